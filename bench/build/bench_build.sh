#!/usr/bin/env bash
# Build benchmark (prints figures; not a test). Run as root:
#   bench/build/bench_build.sh [path/to/stack] [runs]
# 1. An unchanged rebuild of a 10-step Dockerfile with `stack build` (target: under 100 ms).
# 2. A cold build (no cache) of the same Dockerfile by `stack build --no-cache` and by
#    `podman build --no-cache` (buildah), both from the same busybox base (the peers' OCI
#    layout), podman with a private storage under the temp dir; median of `runs` each.
# STACK_IMPORTER names another stack binary to import the base with (default: the same).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
STACK=${1:-$(ls -t "$here"/build*/orchestrator/stack 2>/dev/null | head -1)}
RUNS=${2:-5}
[ -x "$STACK" ] || { echo "no stack binary (pass its path)"; exit 1; }
OCI=/var/lib/peers/oci
[ -f "$OCI/index.json" ] || { echo "no base image layout at $OCI (run ../shared/peers/setup.sh)"; exit 1; }

work=$(mktemp -d /tmp/stk-bench-build-XXXXXX)
export STACK_RUN_ROOT=$work/run STACK_DATA_ROOT=$work/data STACK_CGROUP_PARENT=stkbenchb$$
cleanup() {
  for d in "$STACK_RUN_ROOT"/containers/*; do
    [ -e "$d" ] && "$STACK" container rm -f "$(basename "$d")" >/dev/null 2>&1 || true
  done
  if [ -f "$work/containers.conf" ]; then
    CONTAINERS_CONF=$work/containers.conf CONTAINERS_STORAGE_CONF=$work/storage.conf \
      podman system reset -f >/dev/null 2>&1 || true
  fi
  for h in /sys/fs/cgroup/*/"$STACK_CGROUP_PARENT"; do [ -d "$h" ] && rmdir "$h" 2>/dev/null || true; done
  umount -R "$work/podman" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The base, the same bytes for both builders.
(cd "$OCI" && tar -cf "$work/base.tar" oci-layout index.json blobs)
"${STACK_IMPORTER:-$STACK}" image import "$work/base.tar" --tag stk-bench/base:latest >/dev/null

proj=$work/proj
mkdir -p "$proj/dir"
for i in 1 2 3 4 5; do echo "file $i" >"$proj/dir/f$i.txt"; done
echo "top" >"$proj/top.txt"
cat >"$proj/Dockerfile" <<'DF'
FROM stk-bench/base:latest
ENV APP=/app MODE=bench
WORKDIR /app
COPY top.txt .
RUN echo one > /one
COPY dir/ ./dir/
RUN cat /one dir/*.txt > /two
ENV STAGE=two
LABEL org.example.bench=yes
RUN ls /app > /app/list
CMD ["sh"]
DF
printf 'services:\n  app:\n    build: .\n' >"$proj/compose.yaml"

now_ns() { date +%s%N; }
time_cmd() {  # LABEL N CMD...: median/min/max in ms
  local label=$1 n=$2; shift 2
  local samples=()
  for ((i = 0; i < n; i++)); do
    local t0 t1
    t0=$(now_ns); "$@" >"$work/last.out" 2>&1 || { echo "$label: failed: $*"; tail -5 "$work/last.out"; return; }; t1=$(now_ns)
    samples+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk -v l="$label" '
    { a[NR] = $1 } END { printf "%-44s median %8.1f ms  min %8.1f  max %8.1f  (n=%d)\n",
      l, a[int((NR + 1) / 2)] / 1000, a[1] / 1000, a[NR] / 1000, NR }'
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
stack_build() { "$STACK" -p benchb -f "$proj/compose.yaml" build "$@"; }
stack_build >/dev/null  # fills the cache
time_cmd "stack version (process start floor)" $((RUNS * 4)) "$STACK" version
time_cmd "stack build, unchanged (10 steps cached)" $((RUNS * 4)) stack_build
time_cmd "stack build --no-cache (cold)" "$RUNS" stack_build --no-cache

if command -v podman >/dev/null; then
  mkdir -p "$work/podman/storage" "$work/podman/run" "$work/podman/tmp"
  sed -e "s|^tmp_dir = .*|tmp_dir = \"$work/podman/tmp\"|" \
      -e "s|^volume_path = .*|volume_path = \"$work/podman/volumes\"|" \
      /var/lib/peers/etc/containers.conf >"$work/containers.conf"
  printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' \
      "$work/podman/storage" "$work/podman/run" >"$work/storage.conf"
  export CONTAINERS_CONF=$work/containers.conf CONTAINERS_STORAGE_CONF=$work/storage.conf
  podman pull -q "oci:$OCI:busybox" >/dev/null
  podman tag "$(podman images -q | head -1)" stk-bench/base:latest
  pbuild() { podman build --pull=never --network=none -q -t benchb-app "$@" "$proj"; }
  pbuild >/dev/null
  time_cmd "podman build, unchanged (cached)" "$RUNS" pbuild
  time_cmd "podman build --no-cache (cold)" "$RUNS" pbuild --no-cache
else
  echo "podman: not installed (run ../shared/peers/setup.sh)"
fi
