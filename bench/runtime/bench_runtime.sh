#!/usr/bin/env bash
# Start-to-exit of `true` in a stack container (all namespaces, a cgroup, busybox rootfs) side by
# side with the `unshare -fpmuin --mount-proc true` floor and with `crun run` / `runc run` of a
# busybox bundle (prepared by ../shared/peers/setup.sh), as ratios, with every state directory on
# one tmpfs; then the cost curve of 10 and 50 containers started one after the other.
# The contenders run interleaved (round i runs each once), so load from other work on the machine
# falls on all of them alike; each figure is wall-clock, plus the CPU time (user+sys) of the
# process tree, which that load distorts less (the timing loop is Python: wait4's rusage is
# precise). Prints figures; not a test. Run as root:
#   bench/runtime/bench_runtime.sh [path/to/stack] [runs]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/bench_common.sh
. "$REPO/bench/lib/bench_common.sh"
STACK=${1:-}
RUNS=${2:-30}
find_stack
PEERS=/var/lib/peers
BUNDLE=$PEERS/bundles/true

runtime_cleanup() {
  local d h
  for d in "$STACK_RUN_ROOT"/containers/*; do
    [ -e "$d" ] && "$STACK" container rm -f "$(basename "$d")" >/dev/null 2>&1
  done
  for h in /sys/fs/cgroup/*/"$STACK_CGROUP_PARENT"; do [ -d "$h" ] && rmdir "$h" 2>/dev/null; done
  return 0
}
EXTRA_CLEANUP=runtime_cleanup
make_work runtime
export STACK_CGROUP_PARENT=stkbench$$
work=$WORK

# A busybox-static rootfs with relative applet links.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
cp /bin/busybox "$rootfs/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"

# The contenders; {n} becomes a number unique to the run (container names, crun/runc ids).
contenders=("stack container run --rm true|$STACK container run --rm --name stkb$$-{n} --rootfs $rootfs -- /bin/true"
            "unshare -fpmuin --mount-proc true|unshare -fpmuin --mount-proc true")
if [ -d "$BUNDLE" ] && command -v crun >/dev/null && command -v runc >/dev/null; then
  contenders+=("crun run (busybox bundle, true)|crun --root $work/crun run --bundle $BUNDLE stkb-crun-$$-{n}"
               "runc run (busybox bundle, true)|runc --root $work/runc run --bundle $BUNDLE stkb-runc-$$-{n}")
else
  echo "crun/runc: skipped (run ../shared/peers/setup.sh first to prepare their bundle)"
fi

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
# Wall-clock from fork to reaping, and the CPU time (user+sys, from wait4's rusage, which is
# precise where bash's `times` counts 10 ms ticks) of each run's whole process tree.
python3 - "$RUNS" "${contenders[@]}" <<'PY'
import os, shlex, statistics, sys, time

runs = int(sys.argv[1])
contenders = [c.split("|", 1) for c in sys.argv[2:]]
counter = 0

def run_once(template):
    global counter
    counter += 1
    argv = shlex.split(template.replace("{n}", str(counter)))
    t0 = time.perf_counter_ns()
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter_ns() - t0) / 1e6
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1e3

def curve(label, template, n):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        run_once(template)
    total = (time.perf_counter_ns() - t0) / 1e6
    print(f"{label:<5} {n:2d} containers sequentially: {total:8.1f} ms total, {total / n:6.2f} ms each")

for _, template in contenders:  # warm-up: page cache, seccomp program cache
    run_once(template)
samples = {label: [] for label, _ in contenders}
for _ in range(runs):  # interleaved: round i runs each contender once
    for label, template in contenders:
        samples[label].append(run_once(template))
med = {}
for label, _ in contenders:
    walls = [w for w, _ in samples[label]]
    cpus = [c for _, c in samples[label]]
    med[label] = (statistics.median(walls), statistics.median(cpus))
    print(f"{label:<34} median {med[label][0]:7.2f} ms  min {min(walls):7.2f}  max {max(walls):7.2f}"
          f"  cpu {med[label][1]:6.2f} ms  (n={runs})")
names = [label for label, _ in contenders]
stack, floor = names[0], names[1]
print("ratios (medians, same interleaved run):")
def ratio(text, a, b):
    print(f"  {text:<28} {med[a][0] / med[b][0]:5.2f}x wall  {med[a][1] / med[b][1]:5.2f}x cpu")
ratio("stack / unshare floor", stack, floor)
if len(names) == 4:
    ratio("stack / crun", stack, names[2])
    ratio("stack / runc", stack, names[3])
    ratio("crun / unshare floor", names[2], floor)
# Cost curve: N containers started one after the other (each runs true and is removed).
for n in (10, 50):
    curve("stack", contenders[0][1], n)
    if len(names) == 4:
        curve("crun", contenders[2][1], n)
PY
