#!/bin/sh
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
echo "Grafana:      http://localhost:3000  (user admin, password: GRAFANA_ADMIN_PASSWORD in .env)"
echo "Prometheus:   http://localhost:9090"
echo "Alertmanager: http://localhost:9093"
