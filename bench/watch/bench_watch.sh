#!/usr/bin/env bash
# Live-editing benchmark (issue #6): prints figures, asserts nothing.
#   save-to-converged latency of a one-service change (an environment value) in a 20-service
#   stack running under `stack up --watch`, split as the watcher reports it: waiting (the
#   debounce quiet window), load and plan, converge (stop the old container, create and start
#   the new one: the service's own start time); "beyond the service" = total - converge.
#   develop.watch: save-to-synced latency of one file into the running container.
#
# usage (root): bench_watch.sh [-r RUNS] [-n SERVICES] [-b STACK_BINARY]
# State goes to a private STACK_RUN_ROOT / STACK_DATA_ROOT under a temp dir, removed at exit.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RUNS=7
N=20
STACK=""
while getopts "r:n:b:" o; do
  case $o in
  r) RUNS=$OPTARG ;;
  n) N=$OPTARG ;;
  b) STACK=$OPTARG ;;
  *) echo "usage: $0 [-r RUNS] [-n SERVICES] [-b STACK_BINARY]" >&2; exit 2 ;;
  esac
done
# shellcheck source=../lib/bench_common.sh
. "$REPO/bench/lib/bench_common.sh"
find_stack

make_work watch
mkdir -p "$WORK/proj/src"
PROJECT=benchwatch$$
PROJECTS=("$PROJECT")
UP_PID=""
stop_watcher() {
  if [ -n "$UP_PID" ]; then kill -INT "$UP_PID" 2>/dev/null; wait "$UP_PID" 2>/dev/null; fi
}
EXTRA_CLEANUP=stop_watcher

wrow() { printf '%-52s %10s %s\n' "$1" "$2" "${3:-}"; }

# N services that stop at once on SIGTERM (sleep as the service: PID 1 forwards the signal and
# sleep dies of it); s1 has the value the runs change and a sync rule.
write_stack() {
  local value=$1 i
  { echo "services:"
    for ((i = 1; i <= N; i++)); do
      printf '  s%d:\n    command: ["sleep", "86400"]\n    x-stack: {rootfs: host}\n' "$i"
      if [ "$i" = 1 ]; then
        printf '    environment: {VALUE: "%s"}\n' "$value"
        printf '    develop:\n      watch: [{path: ./src, target: /app, action: sync}]\n'
      fi
    done; } >"$WORK/proj/.compose.yaml.new"
  mv "$WORK/proj/.compose.yaml.new" "$WORK/proj/compose.yaml"  # an editor's save
}

# count_lines PATTERN: how many lines of the watcher's output match.
count_lines() { grep -c -- "$1" "$WORK/watch.out" 2>/dev/null || true; }

# await PATTERN N: waits (5 ms steps, 30 s at most) until N lines match; prints the wait end.
await() {
  local i
  for ((i = 0; i < 6000; i++)); do
    [ "$(count_lines "$1")" -ge "$2" ] && return 0
    sleep 0.005
  done
  return 1
}

write_stack 0
"$STACK" -p "$PROJECT" -f "$WORK/proj/compose.yaml" up --watch --no-color >"$WORK/watch.out" 2>&1 &
UP_PID=$!
if ! await "watch: following" 1; then
  echo "stack up --watch did not start:"; tail -20 "$WORK/watch.out"; exit 1
fi

echo "== one-service change (environment value) in a $N-service stack, stack up --watch (median of $RUNS)"
ext=() tot=() wait_ms=() load=() conv=() beyond=()
for ((r = 1; r <= RUNS; r++)); do
  sleep 0.3  # let the previous container settle; the next save is a fresh batch
  t0=$(now_ns)
  write_stack "$r"
  if ! await "watch: converged in" "$r"; then
    echo "run $r did not converge:"; tail -20 "$WORK/watch.out"; exit 1
  fi
  t1=$(now_ns)
  line=$(grep -- "watch: converged in" "$WORK/watch.out" | sed -n "${r}p")
  read -r t w l c < <(echo "$line" | sed -E 's/.*converged in ([0-9]+) ms.*waiting ([0-9]+) ms, load and plan ([0-9]+) ms, converge ([0-9]+) ms.*/\1 \2 \3 \4/')
  ext+=("$(( (t1 - t0) / 1000000 ))") tot+=("$t") wait_ms+=("$w") load+=("$l") conv+=("$c")
  beyond+=("$((t - c))")
done
wrow "save to converged, measured by this script" "$(printf '%s\n' "${ext[@]}" | median)" "ms (5 ms polling)"
wrow "save to converged, reported by the watcher" "$(printf '%s\n' "${tot[@]}" | median)" "ms"
wrow "  waiting (quiet window 60 ms)" "$(printf '%s\n' "${wait_ms[@]}" | median)" "ms"
wrow "  load and plan" "$(printf '%s\n' "${load[@]}" | median)" "ms"
wrow "  converge (stop, create, start the one service)" "$(printf '%s\n' "${conv[@]}" | median)" "ms"
wrow "beyond the service's own restart (target < 300)" "$(printf '%s\n' "${beyond[@]}" | median)" "ms"

echo "== develop.watch sync of one file into s1 (median of $RUNS)"
synced=()
for ((r = 1; r <= RUNS; r++)); do
  sleep 0.2
  echo "v$r" >"$WORK/proj/src/.f.tmp" && mv "$WORK/proj/src/.f.tmp" "$WORK/proj/src/file.txt"
  if ! await "watch: synced" "$r"; then
    echo "sync $r did not happen:"; tail -20 "$WORK/watch.out"; exit 1
  fi
  synced+=("$(grep -- "watch: synced" "$WORK/watch.out" | sed -n "${r}p" | sed -E 's/.* in ([0-9]+) ms.*/\1/')")
done
wrow "save to synced, reported by the watcher" "$(printf '%s\n' "${synced[@]}" | median)" "ms"
