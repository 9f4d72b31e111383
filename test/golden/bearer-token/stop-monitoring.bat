@echo off
rem Stops the monitoring stack (runs stop-monitoring.ps1 with PowerShell).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0stop-monitoring.ps1" %*
exit /b %ERRORLEVEL%
