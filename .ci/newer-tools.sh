#!/usr/bin/env bash
# Newer Prometheus/promtool and Alertmanager/amtool from a later Debian suite, extracted (not
# installed) into DEST, so tests check generated configs against every version we claim:
#   trixie (Debian 13): Prometheus 2.53, Alertmanager 0.28, and Compose v2
#   sid (unstable):     Prometheus 3.5,  Alertmanager 0.33 (the major version the stack ships)
# See shared/docs/REAL-COMPONENTS.md.
set -euo pipefail
dest=${1:?usage: newer-tools.sh DEST [SUITE]}
suite=${2:-trixie}
[ -x "$dest/usr/bin/promtool" ] && [ -x "$dest/usr/bin/amtool" ] && exit 0
packages=(prometheus promtool prometheus-alertmanager)
[ "$suite" = trixie ] && packages+=(docker-compose)
URI=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$URI" ] || URI=http://deb.debian.org/debian
W=$(mktemp -d); mkdir -p "$W/lists/partial" "$W/cache/archives/partial" "$dest"
echo "deb $URI $suite main" > "$W/sources.list"
O=(-o Dir::Etc::sourcelist="$W/sources.list" -o Dir::Etc::sourceparts=/dev/null -o Dir::State::Lists="$W/lists" -o Dir::Cache="$W/cache")
apt-get "${O[@]}" update -qq
(cd "$W" && apt-get "${O[@]}" download "${packages[@]}" >/dev/null)
for d in "$W"/*.deb; do dpkg -x "$d" "$dest"; done
rm -rf "$W"
