/**
 * Start/stop scripts. They contain no user strings (only validated port numbers), so no escaping
 * is needed; Windows scripts are emitted with CRLF line ends.
 */
import { type StackSpec, WEB_PASSWORD_ENV } from '../config/types.js';
import { SECRETS_DIR, WEB_USER } from './secrets.js';
import { crlf } from './files.js';

/** With --expose Prometheus and Alertmanager ask for the web password (constants only: no escaping needed). */
const auth = (spec: StackSpec): string => (spec.expose ? `  (user ${WEB_USER}, password: ${WEB_PASSWORD_ENV} in .env)` : '');

function urls(spec: StackSpec): string[] {
  return [
    `Grafana:      http://localhost:${spec.ports.grafana}  (user admin, password: GRAFANA_ADMIN_PASSWORD in .env)`,
    `Prometheus:   http://localhost:${spec.ports.prometheus}${auth(spec)}`,
    `Alertmanager: http://localhost:${spec.ports.alertmanager}${auth(spec)}`,
  ];
}

export function renderStartSh(spec: StackSpec): string {
  return `#!/bin/sh
# Starts the monitoring stack and waits until every service is healthy.
set -eu
cd "$(dirname "$0")"

if ! command -v docker >/dev/null 2>&1; then
  echo "Docker is not installed. Linux: https://docs.docker.com/engine/install/ - macOS: install Docker Desktop." >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "Docker is not running or you may not use it. Linux: sudo systemctl start docker (and join the docker group); macOS: open Docker Desktop." >&2
  exit 1
fi
if [ ! -f .env ]; then
  echo ".env is missing: it holds the Grafana password. Run create-vllm-monitor again in this folder to recreate it." >&2
  exit 1
fi
if [ ! -d ${SECRETS_DIR} ]; then
  echo "${SECRETS_DIR}/ is missing: it holds the secrets of .env for the containers. Run create-vllm-monitor up (or create-vllm-monitor again) in this folder to recreate it." >&2
  exit 1
fi

if docker compose version >/dev/null 2>&1; then
  docker compose up -d --wait
elif command -v docker-compose >/dev/null 2>&1; then
  docker-compose up -d
  echo "docker-compose v1 does not wait for health checks; follow them with: docker-compose ps"
else
  echo "Docker Compose is missing: install the docker compose plugin (or docker-compose)." >&2
  exit 1
fi

echo "Monitoring stack is up."
${urls(spec).map((u) => `echo "${u}"`).join('\n')}
`;
}

export function renderStopSh(): string {
  return `#!/bin/sh
# Stops the monitoring stack. Data stays in the Docker volumes; pass -v to remove it too.
set -eu
cd "$(dirname "$0")"
if docker compose version >/dev/null 2>&1; then
  docker compose down "$@"
else
  docker-compose down "$@"
fi
`;
}

export function renderStartPs1(spec: StackSpec): string {
  return crlf(`# Starts the monitoring stack with Docker Desktop and waits until every service is healthy.
$ErrorActionPreference = 'Stop'
Set-Location -Path $PSScriptRoot

if (-not (Get-Command docker -ErrorAction SilentlyContinue)) {
  Write-Host 'Docker is not installed. Install Docker Desktop: https://docs.docker.com/desktop/setup/install/windows-install/' -ForegroundColor Red
  exit 1
}
# Windows PowerShell 5.1 turns a native command's redirected stderr into a terminating error under
# 'Stop': docker runs under 'Continue' and is judged by its exit code alone.
$ErrorActionPreference = 'Continue'
docker info *> $null
$dockerRunning = $LASTEXITCODE -eq 0
$ErrorActionPreference = 'Stop'
if (-not $dockerRunning) {
  Write-Host 'Docker Desktop is not running. Start it, wait until it reports "Engine running", then run this script again.' -ForegroundColor Red
  exit 1
}
if (-not (Test-Path -Path '.env')) {
  Write-Host '.env is missing: it holds the Grafana password. Run create-vllm-monitor again in this folder to recreate it.' -ForegroundColor Red
  exit 1
}
if (-not (Test-Path -Path '${SECRETS_DIR}')) {
  Write-Host '${SECRETS_DIR}/ is missing: it holds the secrets of .env for the containers. Run create-vllm-monitor up (or create-vllm-monitor again) in this folder to recreate it.' -ForegroundColor Red
  exit 1
}

# Compose prints its progress on stderr, which 5.1 also wraps as errors when the host redirects it.
$ErrorActionPreference = 'Continue'
docker compose up -d --wait
$composeExit = $LASTEXITCODE
$ErrorActionPreference = 'Stop'
if ($composeExit -ne 0) {
  Write-Host 'The stack did not become healthy. See: docker compose ps; docker compose logs' -ForegroundColor Red
  exit $composeExit
}

Write-Host 'Monitoring stack is up.'
${urls(spec).map((u) => `Write-Host '${u}'`).join('\n')}
`);
}

export function renderStopPs1(): string {
  return crlf(`# Stops the monitoring stack. Data stays in the Docker volumes; pass -v to remove it too.
$ErrorActionPreference = 'Stop'
Set-Location -Path $PSScriptRoot
# Compose prints its progress on stderr: under 'Stop' Windows PowerShell 5.1 may make that a terminating error.
$ErrorActionPreference = 'Continue'
docker compose down @args
exit $LASTEXITCODE
`);
}

export function renderBat(ps1: string, action: string): string {
  return crlf(`@echo off
rem ${action} the monitoring stack (runs ${ps1} with PowerShell).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0${ps1}" %*
exit /b %ERRORLEVEL%
`);
}
