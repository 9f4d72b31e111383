#!/usr/bin/env bash
# Newer Prometheus/promtool (2.53), Alertmanager/amtool (0.28) and Compose v2 from Debian 13,
# extracted (not installed) into $1, so tests can check generated configs against both the oldest
# (Debian 12) and newest versions we can get. See shared/docs/REAL-COMPONENTS.md.
set -euo pipefail
dest=${1:?usage: newer-tools.sh DEST}
[ -x "$dest/usr/bin/promtool" ] && [ -x "$dest/usr/bin/amtool" ] && exit 0
URI=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$URI" ] || URI=http://deb.debian.org/debian
W=$(mktemp -d); mkdir -p "$W/lists/partial" "$W/cache/archives/partial" "$dest"
echo "deb $URI trixie main" > "$W/sources.list"
O=(-o Dir::Etc::sourcelist="$W/sources.list" -o Dir::Etc::sourceparts=/dev/null -o Dir::State::Lists="$W/lists" -o Dir::Cache="$W/cache")
apt-get "${O[@]}" update -qq
(cd "$W" && apt-get "${O[@]}" download prometheus promtool prometheus-alertmanager docker-compose >/dev/null)
for d in "$W"/*.deb; do dpkg -x "$d" "$dest"; done
rm -rf "$W"
