#!/usr/bin/env bash
# Everyday-command latencies (issue #6): prints medians, asserts nothing.
#   exec -T of `true` in a running service, run --rm -T of `true` (one-off, network included),
#   stop + start of one service, restart of one service, kill -s of a harmless signal, top, stats
#   --no-stream (two samples 500 ms apart by design), inspect, and start when no supervisor runs.
# usage (root): bench_commands.sh [-r RUNS] [-b STACK_BINARY]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/bench_common.sh
. "$REPO/bench/lib/bench_common.sh"
RUNS=10
STACK=""
while getopts "r:b:" o; do
  case $o in
  r) RUNS=$OPTARG ;;
  b) STACK=$OPTARG ;;
  *) echo "usage: $0 [-r RUNS] [-b STACK_BINARY]" >&2; exit 2 ;;
  esac
done
find_stack
make_work cmd
export STACK_CGROUP_PARENT=stkbenchcmd$$
P=stkbenchcmd$$
PROJECTS=("$P")
# The containers go first: a cgroup parent with children cannot be removed.
remove_cgroup_parent() {
  "$STACK" -p "$P" down -t 1 >/dev/null 2>&1
  rmdir /sys/fs/cgroup/*/"$STACK_CGROUP_PARENT" 2>/dev/null
  true
}
EXTRA_CLEANUP=remove_cgroup_parent
mkdir -p "$WORK/$P"
cat >"$WORK/$P/compose.yaml" <<'YAML'
services:
  db:
    command: ["sleep", "86400"]
    x-stack: {rootfs: host}
  web:
    command: ["sleep", "86400"]
    depends_on: [db]
    x-stack: {rootfs: host}
YAML
S() { "$STACK" -p "$P" -f "$WORK/$P/compose.yaml" "$@"; }
S up -d >>"$WORK/out.log" 2>&1 || { echo "up failed: $(tail -3 "$WORK/out.log")" >&2; exit 1; }

measure() {  # measure LABEL CMD...: median wall time of RUNS runs
  local label=$1 i
  shift
  local m
  m=$(for ((i = 0; i < RUNS; i++)); do timed "$@"; echo; done | median)
  printf '%-40s %10s ms\n' "$label" "$m"
}
printf '%-40s %13s\n' "command (median of $RUNS)" "wall time"
measure "exec -T web true" S exec -T web true
measure "run --rm -T --no-deps web true" S run --rm -T --no-deps web true
measure "stop web + start web" sh -c "\"$STACK\" -p $P -f $WORK/$P/compose.yaml stop web && \"$STACK\" -p $P -f $WORK/$P/compose.yaml start web"
measure "restart web" S restart web
measure "kill -s WINCH db" S kill -s WINCH db
measure "top" S top
measure "inspect web" S inspect web
measure "stats --no-stream" S stats --no-stream

# Without a supervisor (killed first, then `stop` by name): `start` brings a new supervisor back
# detached, which takes the two stopped containers back and starts them.
supervisor_pid() { sed -n 's/.*"supervisor_pid": *\([0-9]*\).*/\1/p' "$STACK_RUN_ROOT/$P/state.json" | head -1; }
offline_start() {
  local sup
  sup=$(supervisor_pid)
  [ -n "$sup" ] && [ "$sup" -gt 0 ] && kill -9 "$sup"
  sleep 0.2
  S stop >>"$WORK/out.log" 2>&1
  timed S start
}
m=$(for ((i = 0; i < RUNS; i++)); do offline_start; echo; done | median)
printf '%-40s %10s ms\n' "start, no supervisor (2 services)" "$m"
