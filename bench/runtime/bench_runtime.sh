#!/usr/bin/env bash
# Start-to-exit of `true` in a stack container (all namespaces, a cgroup, busybox rootfs) side by
# side with the `unshare -fpmuin --mount-proc true` floor and with `crun run` / `runc run` of a
# busybox bundle (prepared by ../shared/peers/setup.sh), as ratios; then the cost curve of 10 and
# 50 containers started one after the other (stack, and crun for comparison).
# The contenders run interleaved (round i runs each once), so load from other work on the machine
# falls on all of them alike; each figure is wall-clock, plus the CPU time (user+sys) of the
# process tree, which that load distorts less. Prints figures; not a test. Run as root:
#   bench/runtime/bench_runtime.sh [path/to/stack] [runs]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
STACK=${1:-$(ls -t "$here"/build*/orchestrator/stack 2>/dev/null | head -1)}
RUNS=${2:-30}
[ -x "$STACK" ] || { echo "no stack binary (pass its path)"; exit 1; }
PEERS=/var/lib/peers
BUNDLE=$PEERS/bundles/true

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

seq_id=0
stack_true() { seq_id=$((seq_id + 1)); "$STACK" container run --rm --name "stkb$$-$seq_id" --rootfs "$rootfs" -- /bin/true; }
crun_true() { seq_id=$((seq_id + 1)); crun run --bundle "$BUNDLE" "stkb-crun-$$-$seq_id"; }
runc_true() { seq_id=$((seq_id + 1)); runc run --bundle "$BUNDLE" "stkb-runc-$$-$seq_id"; }
floor_true() { unshare -fpmuin --mount-proc true; }

contenders=(stack floor)
labels=([0]="stack container run --rm true" [1]="unshare -fpmuin --mount-proc true")
if [ -d "$BUNDLE" ] && command -v crun >/dev/null && command -v runc >/dev/null; then
  contenders+=(crun runc)
  labels+=([2]="crun run (busybox bundle, true)" [3]="runc run (busybox bundle, true)")
else
  echo "crun/runc: skipped (run ../shared/peers/setup.sh first to prepare their bundle)"
fi

# one NAME: runs NAME_true once; appends "wall_us cpu_us" to $work/NAME. `times` (a builtin,
# so no child of its own) gives the user+sys time of this shell's reaped children before and
# after; both are parsed only afterwards, so the parsing is not counted.
one() {
  local t0 t1
  times >"$work/times0"
  t0=${EPOCHREALTIME/./}
  "${1}_true" >/dev/null 2>&1 || { echo "$1: failed" >&2; return 1; }
  t1=${EPOCHREALTIME/./}
  times >"$work/times1"
  echo "$((t1 - t0)) $(($(children_cpu_us "$work/times1") - $(children_cpu_us "$work/times0")))" >>"$work/$1"
}
# Children's user+sys from a `times` output file (second line), in microseconds.
children_cpu_us() {
  awk 'NR == 2 { n = split($0, f, /[ms]+/); u = f[1] * 60 + f[2]; s = f[3] * 60 + f[4];
    printf "%d", (u + s) * 1e6 }' "$1"
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
for c in "${contenders[@]}"; do one "$c"; : >"$work/$c"; done  # warm-up (page cache, seccomp cache)
for ((i = 0; i < RUNS; i++)); do
  for c in "${contenders[@]}"; do one "$c"; done
done

median_of() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
declare -A wall cpu
for idx in "${!contenders[@]}"; do
  c=${contenders[$idx]}
  wall[$c]=$(cut -d' ' -f1 "$work/$c" | median_of)
  cpu[$c]=$(cut -d' ' -f2 "$work/$c" | median_of)
  min=$(cut -d' ' -f1 "$work/$c" | sort -n | head -1)
  max=$(cut -d' ' -f1 "$work/$c" | sort -n | tail -1)
  awk -v l="${labels[$idx]}" -v w="${wall[$c]}" -v mi="$min" -v ma="$max" -v cp="${cpu[$c]}" -v n="$RUNS" \
    'BEGIN { printf "%-34s median %7.2f ms  min %7.2f  max %7.2f  cpu %6.2f ms  (n=%d)\n",
      l, w / 1000, mi / 1000, ma / 1000, cp / 1000, n }'
done
ratio() { awk -v a="$2" -v b="$3" -v l="$1" 'BEGIN { printf "  %-28s %5.2fx wall\n", l, a / b }'; }
echo "ratios (medians, same interleaved run):"
ratio "stack / unshare floor" "${wall[stack]}" "${wall[floor]}"
awk -v a="${cpu[stack]}" -v b="${cpu[floor]}" 'BEGIN { printf "  %-28s %5.2fx cpu\n", "stack / unshare floor", a / b }'
if [ -n "${wall[crun]:-}" ]; then
  ratio "stack / crun" "${wall[stack]}" "${wall[crun]}"
  ratio "stack / runc" "${wall[stack]}" "${wall[runc]}"
  ratio "crun / unshare floor" "${wall[crun]}" "${wall[floor]}"
fi

# Cost curve: N containers started one after the other (each runs true and is removed).
curve() {
  local name=$1 n=$2 t0 t1
  t0=${EPOCHREALTIME/./}
  for ((i = 0; i < n; i++)); do "${name}_true" >/dev/null 2>&1; done
  t1=${EPOCHREALTIME/./}
  awk -v l="$name" -v n="$n" -v d="$((t1 - t0))" \
    'BEGIN { printf "%-5s %2d containers sequentially: %8.1f ms total, %6.2f ms each\n", l, n, d / 1000, d / 1000 / n }'
}
for n in 10 50; do
  curve stack "$n"
  [ -n "${wall[crun]:-}" ] && curve crun "$n"
done
