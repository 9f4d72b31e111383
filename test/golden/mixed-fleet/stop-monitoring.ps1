# Stops the monitoring stack. Data stays in the Docker volumes; pass -v to remove it too.
$ErrorActionPreference = 'Stop'
Set-Location -Path $PSScriptRoot
docker compose down @args
exit $LASTEXITCODE
