#!/bin/sh
# Builds local stand-ins for the official Prometheus, Alertmanager and node-exporter images from the
# binaries installed on this machine (Debian's prometheus, prometheus-alertmanager,
# prometheus-node-exporter and busybox-static), for machines that cannot reach a registry.
# They behave like the official images where the generated stack depends on it: same ENTRYPOINT, CMD,
# USER and WORKDIR, and busybox `sh`/`wget` for the healthchecks.
#
#   scripts/local-images.sh            # tags cvm-local/{prometheus,alertmanager,node-exporter}:test
#   CVM_IMAGE_TAG=dev scripts/local-images.sh
#   CVM_BIN_DIR=/opt/cvm-newer/usr/bin scripts/local-images.sh   # take prometheus/alertmanager from there
#
# Idempotent: an image whose inputs have not changed (label cvm.inputs) is left alone.
# Then generate with: --image prometheus=cvm-local/prometheus:test --image alertmanager=... --no-grafana
set -eu

TAG=${CVM_IMAGE_TAG:-test}
BIN_DIR=${CVM_BIN_DIR:-/usr/bin}
BUSYBOX=${CVM_BUSYBOX:-/bin/busybox}

die() { echo "local-images: $*" >&2; exit 1; }
command -v docker >/dev/null 2>&1 || die "docker is not installed (apt-get install -y docker.io)"
docker info >/dev/null 2>&1 || die "the Docker engine is not reachable (start it: dockerd >/tmp/dockerd.log 2>&1 &)"
[ -x "$BUSYBOX" ] || die "$BUSYBOX is missing (apt-get install -y busybox-static)"
file_or_die() { [ -x "$1" ] || die "$1 is missing ($2)"; }

# Shared libraries an executable needs, as absolute paths (none for static binaries).
libs_of() { ldd "$1" 2>/dev/null | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' || true; }

# build IMAGE "ENTRYPOINT-json" "CMD-json" WORKDIR  SRC:DEST...
build() {
  image=$1 entrypoint=$2 cmd=$3 workdir=$4; shift 4
  inputs=$( (sha256sum "$BUSYBOX"; for pair in "$@"; do find "${pair%%:*}" -type f -exec sha256sum {} +; done; echo "$entrypoint $cmd $workdir") | sha256sum | cut -c1-16)
  current=$(docker image inspect --format '{{ index .Config.Labels "cvm.inputs" }}' "$image" 2>/dev/null || true)
  if [ "$current" = "$inputs" ]; then echo "$image is up to date"; return; fi

  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root$workdir"
  chmod 1777 "$root/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  for applet in sh wget cat ls ps grep sleep; do ln -s busybox "$root/bin/$applet"; done
  for pair in "$@"; do
    src=${pair%%:*} dest=${pair#*:}
    mkdir -p "$root$(dirname "$dest")"
    cp -a "$src" "$root$dest"
    [ -d "$src" ] && continue
    for lib in $(libs_of "$src"); do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  [ "$workdir" = / ] || chown 65534:65534 "$root$workdir"
  tar -C "$root" -c . | docker import \
    --change "ENTRYPOINT $entrypoint" \
    --change "CMD $cmd" \
    --change 'USER nobody' \
    --change "WORKDIR $workdir" \
    --change "LABEL cvm.inputs=$inputs" \
    - "$image" >/dev/null
  rm -rf "$root"
  echo "built $image"
}

file_or_die "$BIN_DIR/prometheus" "apt-get install -y prometheus"
PROMTOOL=$BIN_DIR/promtool; [ -x "$PROMTOOL" ] || PROMTOOL=/usr/bin/promtool
file_or_die "$PROMTOOL" "apt-get install -y prometheus"
file_or_die "$BIN_DIR/prometheus-alertmanager" "apt-get install -y prometheus-alertmanager"
AMTOOL=$BIN_DIR/amtool; [ -x "$AMTOOL" ] || AMTOOL=/usr/bin/amtool
file_or_die "$AMTOOL" "apt-get install -y prometheus-alertmanager"
# Debian's binaries read templates and web assets from /usr/share/prometheus (not embedded).
SHARE_DIR=$(dirname "$BIN_DIR")/share/prometheus; [ -d "$SHARE_DIR/alertmanager" ] || SHARE_DIR=/usr/share/prometheus
[ -f "$SHARE_DIR/alertmanager/default.tmpl" ] || die "$SHARE_DIR/alertmanager/default.tmpl is missing (apt-get install -y prometheus-alertmanager)"
file_or_die /usr/bin/prometheus-node-exporter "apt-get install -y prometheus-node-exporter"

build "cvm-local/prometheus:$TAG" '["/bin/prometheus"]' \
  '["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]' /prometheus \
  "$BIN_DIR/prometheus:/bin/prometheus" "$PROMTOOL:/bin/promtool" \
  $( [ -d "$SHARE_DIR/web" ] && echo "$SHARE_DIR/web:/usr/share/prometheus/web" )
build "cvm-local/alertmanager:$TAG" '["/bin/alertmanager"]' \
  '["--config.file=/etc/alertmanager/alertmanager.yml","--storage.path=/alertmanager"]' /alertmanager \
  "$BIN_DIR/prometheus-alertmanager:/bin/alertmanager" "$AMTOOL:/bin/amtool" \
  "$SHARE_DIR/alertmanager:/usr/share/prometheus/alertmanager"
build "cvm-local/node-exporter:$TAG" '["/bin/node_exporter"]' '[]' / \
  "/usr/bin/prometheus-node-exporter:/bin/node_exporter"
