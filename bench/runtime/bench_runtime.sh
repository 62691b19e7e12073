#!/usr/bin/env bash
# Start-to-exit of `true` in a stack container (all namespaces, a cgroup, busybox rootfs) against
# the `unshare -fpmuin --mount-proc true` floor, and against crun/runc run of a bundle when
# ../shared/peers/setup.sh has prepared them; then 10 and 50 containers one after the other.
# Prints figures (median, min, max in ms); not a test. Run as root:
#   bench/runtime/bench_runtime.sh [path/to/stack] [runs]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
STACK=${1:-$(ls -t "$here"/build*/orchestrator/stack 2>/dev/null | head -1)}
RUNS=${2:-30}
[ -x "$STACK" ] || { echo "no stack binary (pass its path)"; exit 1; }
PEERS=/var/lib/peers

work=$(mktemp -d /tmp/stk-bench-XXXXXX)
export STACK_RUN_ROOT=$work/run STACK_DATA_ROOT=$work/data STACK_CGROUP_PARENT=stkbench$$
cleanup() {
  for d in "$STACK_RUN_ROOT"/containers/*; do
    [ -e "$d" ] && "$STACK" container rm -f "$(basename "$d")" >/dev/null 2>&1 || true
  done
  for h in /sys/fs/cgroup/*/"$STACK_CGROUP_PARENT"; do [ -d "$h" ] && rmdir "$h" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A busybox-static rootfs with relative applet links.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"

now_ns() { date +%s%N; }
# time_cmd LABEL N CMD...: runs CMD N times, prints median/min/max in ms.
time_cmd() {
  local label=$1 n=$2; shift 2
  local samples=()
  for ((i = 0; i < n; i++)); do
    local t0 t1
    t0=$(now_ns); "$@" >/dev/null 2>&1 || { echo "$label: failed: $*"; return; }; t1=$(now_ns)
    samples+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk -v l="$label" '
    { a[NR] = $1 } END { printf "%-34s median %7.2f ms  min %7.2f  max %7.2f  (n=%d)\n",
      l, a[int((NR + 1) / 2)] / 1000, a[1] / 1000, a[NR] / 1000, NR }'
}

seq_id=0
stack_true() { seq_id=$((seq_id + 1)); "$STACK" container run --rm --name "stkb$$-$seq_id" --rootfs "$rootfs" -- /bin/true; }
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
time_cmd "stack container run --rm true" "$RUNS" stack_true
time_cmd "unshare -fpmuin --mount-proc true" "$RUNS" unshare -fpmuin --mount-proc true
if [ -d "$PEERS/bundles/true" ] && command -v crun >/dev/null; then
  time_cmd "crun run (bundle true)" "$RUNS" sh -c "exec crun run --bundle $PEERS/bundles/true stkb-crun-\$\$"
  time_cmd "runc run (bundle true)" "$RUNS" sh -c "exec runc run --bundle $PEERS/bundles/true stkb-runc-\$\$"
else
  echo "crun/runc: skipped (run ../shared/peers/setup.sh first to prepare their bundles)"
fi

# Cost curve: N containers started one after the other (each runs true and is removed).
for n in 10 50; do
  t0=$(now_ns)
  for ((i = 0; i < n; i++)); do stack_true >/dev/null 2>&1; done
  t1=$(now_ns)
  awk -v n=$n -v d=$(( (t1 - t0) / 1000 )) 'BEGIN { printf "%d containers sequentially: %8.1f ms total, %6.2f ms each\n", n, d / 1000, d / 1000 / n }'
done
