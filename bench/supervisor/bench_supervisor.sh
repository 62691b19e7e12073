#!/usr/bin/env bash
# Supervisor benchmark (issue #5): prints figures, asserts nothing.
#   up -d and down of N = 1, 10, 50 independent services
#   the 5-service service_healthy chain (examples/chain): up -d --wait
#   crash-to-running-again latency (the first restart, backoff 100 ms included)
#   stack ps latency with 50 containers; supervisor RSS with 50 containers
# and the same with podman-compose / docker-compose when /work/shared/peers/setup.sh prepared
# them (never installed from here).
#
# usage (root): bench_supervisor.sh [-r RUNS] [-b STACK_BINARY] [SECTION...]
#   sections: updown chain restart ps peers (default: all)
# State goes to a private STACK_RUN_ROOT / STACK_DATA_ROOT under a temp dir, removed at exit.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=3
STACK=""
while getopts "r:b:" o; do
  case $o in
  r) RUNS=$OPTARG ;;
  b) STACK=$OPTARG ;;
  *) echo "usage: $0 [-r RUNS] [-b STACK_BINARY] [SECTION...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
SECTIONS=${*:-updown chain restart ps peers}
if [ -z "$STACK" ]; then
  for c in "$REPO"/build*/orchestrator/stack "$(command -v stack 2>/dev/null)"; do
    [ -x "$c" ] && { STACK=$c; break; }
  done
fi
[ -x "$STACK" ] || { echo "no stack binary (build it or pass -b)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/stk-bench-sup.XXXXXX)
export STACK_RUN_ROOT=$WORK/run STACK_DATA_ROOT=$WORK/data
mkdir -p "$STACK_RUN_ROOT" "$STACK_DATA_ROOT"
PROJECTS=()
cleanup() {
  for p in "${PROJECTS[@]}"; do "$STACK" -p "$p" down -t 1 >/dev/null 2>&1; done
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN{ printf "%.1f", (b - a) / 1e6 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() { printf '%-46s %12s %s\n' "$1" "$2" "${3:-}"; }

# A stack file of N independent long-running services on the host view.
write_services() {
  local dir=$1 n=$2 i
  mkdir -p "$dir"
  { echo "services:"
    for ((i = 1; i <= n; i++)); do
      printf '  s%d:\n    command: ["sleep", "86400"]\n    x-stack: {rootfs: host}\n' "$i"
    done; } >"$dir/compose.yaml"
}

# timed CMD...: runs CMD, prints its wall time in ms, returns its status.
timed() {
  local t0 t1 rc
  t0=$(now_ns); "$@" >>"$WORK/out.log" 2>&1; rc=$?; t1=$(now_ns)
  ms "$t0" "$t1"
  return $rc
}

section_updown() {
  echo "== stack up -d / down of N independent services (median of $RUNS, ms)"
  local n r up down failed
  for n in 1 10 50; do
    write_services "$WORK/up$n" "$n"
    PROJECTS+=("benchup$n")
    up=() down=() failed=0
    for ((r = 0; r < RUNS; r++)); do
      up+=("$(timed "$STACK" -f "$WORK/up$n/compose.yaml" -p "benchup$n" up -d)") || failed=1
      down+=("$(timed "$STACK" -f "$WORK/up$n/compose.yaml" -p "benchup$n" down -t 1)") || failed=1
    done
    [ $failed = 1 ] && { row "stack up -d / down, N=$n" "FAILED" "(see $WORK/out.log)"; tail -5 "$WORK/out.log"; continue; }
    row "stack up -d, N=$n" "$(printf '%s\n' "${up[@]}" | median)" "ms"
    row "stack down, N=$n" "$(printf '%s\n' "${down[@]}" | median)" "ms"
  done
}

section_chain() {
  echo "== 5-service service_healthy chain: up -d --wait (median of $RUNS, ms)"
  local r t all=() failed=0
  PROJECTS+=("benchchain")
  for ((r = 0; r < RUNS; r++)); do
    t=$(timed "$STACK" -f "$REPO/examples/chain/compose.yaml" -p benchchain up -d --wait) || failed=1
    all+=("$t")
    "$STACK" -f "$REPO/examples/chain/compose.yaml" -p benchchain down -t 1 >>"$WORK/out.log" 2>&1
  done
  if [ $failed = 1 ]; then row "chain of 5, up -d --wait" "FAILED" "(see $WORK/out.log)"; return; fi
  row "chain of 5, up -d --wait" "$(printf '%s\n' "${all[@]}" | median)" "ms"
}

# The first restart: the gap between the log line printed just before the exit and the first
# line of the next run, both stamped by the supervisor's log pump.
section_restart() {
  echo "== crash to running again (first restart, median of $RUNS, ms)"
  mkdir -p "$WORK/crash"
  cat >"$WORK/crash/compose.yaml" <<'YAML'
services:
  crash:
    command: ["sh", "-c", "echo starting; sleep 0.5; echo crashing; exit 3"]
    restart: always
    x-stack: {rootfs: host}
YAML
  PROJECTS+=("benchcrash")
  local r lat=() gap
  for ((r = 0; r < RUNS; r++)); do
    "$STACK" -f "$WORK/crash/compose.yaml" -p benchcrash up -d >>"$WORK/out.log" 2>&1 || {
      row "crash -> running again" "FAILED" "(up -d failed, see $WORK/out.log)"; return; }
    # logs -f until the second "starting": event-driven, bounded by timeout.
    gap=$(timeout 20 "$STACK" -p benchcrash logs -f -t --no-color --no-log-prefix 2>>"$WORK/out.log" |
      awk '/ crashing$/ { c = $1 } / starting$/ { n++; if (n == 2 && c != "") { print c, $1; exit } }')
    "$STACK" -f "$WORK/crash/compose.yaml" -p benchcrash down -t 1 >>"$WORK/out.log" 2>&1
    [ -n "$gap" ] || { row "crash -> running again" "FAILED" "(no restart seen in 20 s)"; return; }
    lat+=("$(python3 -c '
import sys, datetime
def ns(t):
    d, f = t.rstrip("Z").split(".")
    s = datetime.datetime.strptime(d, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(s.timestamp()) * 10**9 + int(f.ljust(9, "0"))
a, b = sys.argv[1:3]
print("%.1f" % ((ns(b) - ns(a)) / 1e6))' $gap)")
  done
  row "crash -> running again (incl. 100 ms backoff)" "$(printf '%s\n' "${lat[@]}" | median)" "ms"
}

section_ps() {
  echo "== with 50 containers up"
  write_services "$WORK/ps50" 50
  PROJECTS+=("benchps")
  "$STACK" -f "$WORK/ps50/compose.yaml" -p benchps up -d >>"$WORK/out.log" 2>&1 || {
    row "stack ps, 50 containers" "FAILED" "(up -d failed, see $WORK/out.log)"; return; }
  local r t all=()
  # The floor: starting the binary at all (dynamic linking, static initialisers).
  for ((r = 0; r < 20; r++)); do all+=("$(timed "$STACK" version)"); done
  row "stack version (process start floor, median of 20)" "$(printf '%s\n' "${all[@]}" | median)" "ms"
  all=()
  for ((r = 0; r < 20; r++)); do all+=("$(timed "$STACK" -p benchps ps)"); done
  row "stack ps, 50 containers (median of 20)" "$(printf '%s\n' "${all[@]}" | median)" "ms"
  all=()
  for ((r = 0; r < 20; r++)); do all+=("$(timed "$STACK" -p benchps ps -a --format json)"); done
  row "stack ps --format json, 50 (median of 20)" "$(printf '%s\n' "${all[@]}" | median)" "ms"
  local pid rss
  pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["supervisor_pid"])' \
        "$STACK_RUN_ROOT/benchps/state.json" 2>/dev/null)
  rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/${pid:-0}/status" 2>/dev/null)
  row "supervisor RSS, 50 containers" "${rss:-n/a}" "MiB (pid ${pid:-none})"
  "$STACK" -f "$WORK/ps50/compose.yaml" -p benchps down -t 1 >>"$WORK/out.log" 2>&1
}

# The peers, only when setup.sh prepared them: same shapes with the rig's busybox image.
section_peers() {
  echo "== peers"
  local peers_env=/var/lib/peers/env.sh
  if ! command -v podman-compose >/dev/null || [ ! -f "$peers_env" ]; then
    echo "podman-compose: not installed (run /work/shared/peers/setup.sh)"
  else
    # shellcheck disable=SC1090
    . "$peers_env"
    peer_compose podman-compose
  fi
  if ! command -v docker-compose >/dev/null || [ ! -f "$peers_env" ]; then
    echo "docker-compose: not installed (run /work/shared/peers/setup.sh --docker)"
  elif ! docker info >/dev/null 2>&1; then
    echo "docker-compose: installed, but no docker daemon runs (bench.sh docker starts the rig's own)"
  else
    peer_compose docker-compose
  fi
}

peer_compose() {
  local tool=$1 img=${PEER_IMAGE:-localhost/peers/busybox:oci} n r up down dir
  for n in 1 10 50; do
    dir=$WORK/peer-$tool-$n
    mkdir -p "$dir"
    { echo "services:"
      for ((r = 1; r <= n; r++)); do
        printf '  s%d:\n    image: %s\n    command: ["sleep", "86400"]\n    network_mode: none\n' "$r" "$img"
      done; } >"$dir/compose.yaml"
    up=() down=()
    for ((r = 0; r < RUNS; r++)); do
      up+=("$(cd "$dir" && timed "$tool" -p "pbench$n" up -d)")
      down+=("$(cd "$dir" && timed "$tool" -p "pbench$n" down -t 1)")
    done
    row "$tool up -d, N=$n" "$(printf '%s\n' "${up[@]}" | median)" "ms"
    row "$tool down, N=$n" "$(printf '%s\n' "${down[@]}" | median)" "ms"
  done
  echo "($tool: the chain, restart and ps figures of the rig: /work/shared/peers/bench.sh compose restart docker)"
}

echo "stack: $STACK"
echo "date: $(date -u +%FT%TZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)  cpus: $(nproc)"
for s in $SECTIONS; do
  case $s in
  updown) section_updown ;;
  chain) section_chain ;;
  restart) section_restart ;;
  ps) section_ps ;;
  peers) section_peers ;;
  *) echo "unknown section: $s" >&2 ;;
  esac
done
