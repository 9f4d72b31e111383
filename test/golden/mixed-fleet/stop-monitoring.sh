#!/bin/sh
# Stops the monitoring stack. Data stays in the Docker volumes; pass -v to remove it too.
set -eu
cd "$(dirname "$0")"
if docker compose version >/dev/null 2>&1; then
  docker compose down "$@"
else
  docker-compose down "$@"
fi
