@echo off
rem Starts the monitoring stack (runs start-monitoring.ps1 with PowerShell).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0start-monitoring.ps1" %*
exit /b %ERRORLEVEL%
