# Starts the monitoring stack with Docker Desktop and waits until every service is healthy.
$ErrorActionPreference = 'Stop'
Set-Location -Path $PSScriptRoot

if (-not (Get-Command docker -ErrorAction SilentlyContinue)) {
  Write-Host 'Docker is not installed. Install Docker Desktop: https://docs.docker.com/desktop/setup/install/windows-install/' -ForegroundColor Red
  exit 1
}
docker info *> $null
if ($LASTEXITCODE -ne 0) {
  Write-Host 'Docker Desktop is not running. Start it, wait until it reports "Engine running", then run this script again.' -ForegroundColor Red
  exit 1
}
if (-not (Test-Path -Path '.env')) {
  Write-Host '.env is missing: it holds the Grafana password. Run create-vllm-monitor again in this folder to recreate it.' -ForegroundColor Red
  exit 1
}

docker compose up -d --wait
if ($LASTEXITCODE -ne 0) {
  Write-Host 'The stack did not become healthy. See: docker compose ps; docker compose logs' -ForegroundColor Red
  exit $LASTEXITCODE
}

Write-Host 'Monitoring stack is up.'
Write-Host 'Grafana:      http://localhost:3000  (user admin, password: GRAFANA_ADMIN_PASSWORD in .env)'
Write-Host 'Prometheus:   http://localhost:9090'
Write-Host 'Alertmanager: http://localhost:9093'
