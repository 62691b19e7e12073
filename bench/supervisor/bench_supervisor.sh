#!/usr/bin/env bash
# Supervisor benchmark (issue #5): prints figures and ratios, asserts nothing. Side by side in
# one run with podman-compose from /work/shared/peers (when setup.sh prepared it):
#   up -d (until every container runs) and down of N = 1, 10, 50 independent services
#   the 5-service service_healthy chain (examples/chain): stack up -d --wait
#   crash to running again: the first restart, backoff (100 ms) included
#   ps latency and supervisor memory with 50 containers (podman: podman-compose ps, and the
#   conmon processes that watch its 50 containers)
#
# usage (root): bench_supervisor.sh [-r RUNS] [-p PEER_RUNS] [-b STACK_BINARY] [SECTION...]
#   sections: updown chain restart ps (default: all); PEER_RUNS (default 1) for podman-compose,
#   which sleeps 1 s after each container it starts.
# State goes to a private STACK_RUN_ROOT (tmpfs, as /run/stack) / STACK_DATA_ROOT, removed at exit.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/bench_common.sh
. "$REPO/bench/lib/bench_common.sh"
RUNS=5
PRUNS=1
STACK=""
while getopts "r:p:b:" o; do
  case $o in
  r) RUNS=$OPTARG ;;
  p) PRUNS=$OPTARG ;;
  b) STACK=$OPTARG ;;
  *) echo "usage: $0 [-r RUNS] [-p PEER_RUNS] [-b STACK_BINARY] [SECTION...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
SECTIONS=${*:-updown chain restart ps}
find_stack
make_work sup
PODMAN_PROJECTS=()
EXTRA_CLEANUP=cleanup_podman
cleanup_podman() {
  local p
  for p in "${PODMAN_PROJECTS[@]}"; do (cd "$WORK/$p" && pc -p "$p" down -t 1) >/dev/null 2>&1; done
}
HAVE_PODMAN=0
if command -v podman-compose >/dev/null && [ -f /var/lib/peers/env.sh ]; then
  # shellcheck disable=SC1091
  . /var/lib/peers/env.sh
  HAVE_PODMAN=1
fi
PIMG=localhost/peers/busybox:oci
# podman-compose 1.0.3 puts every container on a bridge network of its own, even with
# network_mode: none, and a container on a podman bridge makes netavark turn the host's
# ip_forward on. Its podman calls go through this filter: no network is created or joined.
PODMAN_NONET=$WORK/podman-nonet
cat >"$PODMAN_NONET" <<'SH'
#!/bin/bash
[ "$1" = network ] && [ "$2" = exists ] && exit 0
[ "$1" = network ] && exit 0
args=() skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  case $a in --net | --network-alias) skip=1; continue ;; esac
  args+=("$a")
done
exec podman "${args[@]}"
SH
chmod +x "$PODMAN_NONET"
pc() { podman-compose --podman-path "$PODMAN_NONET" "$@"; }

# write_services DIR N stack|podman: N independent long-running services.
write_services() {
  local dir=$1 n=$2 tool=$3 i
  mkdir -p "$dir"
  { echo "services:"
    for ((i = 1; i <= n; i++)); do
      printf '  s%d:\n    command: ["sleep", "86400"]\n' "$i"
      if [ "$tool" = stack ]; then echo "    x-stack: {rootfs: host}"; else
        printf '    image: %s\n    network_mode: none\n' "$PIMG"; fi
    done; } >"$dir/compose.yaml"
}

podman_running() { podman ps -q --filter "label=io.podman.compose.project=$1" --filter status=running | wc -l; }
# podman-compose up -d, then until N containers run.
podman_up() {
  local p=$1 n=$2 i
  (cd "$WORK/$p" && pc -p "$p" up -d) || return 1
  for ((i = 0; i < 1200; i++)); do [ "$(podman_running "$p")" -ge "$n" ] && return 0; sleep 0.05; done
  return 1
}
podman_down() { (cd "$WORK/$1" && pc -p "$1" down -t 1); }

declare -A F  # figures by key

section_updown() {
  local n r up down
  for n in 1 10 50; do
    write_services "$WORK/up$n" "$n" stack
    PROJECTS+=("benchup$n")
    up=() down=()
    for ((r = 0; r < RUNS; r++)); do
      up+=("$(timed "$STACK" -f "$WORK/up$n/compose.yaml" -p "benchup$n" up -d || echo FAILED)")
      down+=("$(timed "$STACK" -f "$WORK/up$n/compose.yaml" -p "benchup$n" down -t 1 || echo FAILED)")
    done
    F[stack_up$n]=$(printf '%s\n' "${up[@]}" | median)
    F[stack_down$n]=$(printf '%s\n' "${down[@]}" | median)
    [ $HAVE_PODMAN = 1 ] || continue
    local p=pbenchup$n
    write_services "$WORK/$p" "$n" podman
    PODMAN_PROJECTS+=("$p")
    up=() down=()
    for ((r = 0; r < PRUNS; r++)); do
      up+=("$(timed podman_up "$p" "$n" || echo FAILED)")
      if [ "$n" = 50 ] && [ "$r" = 0 ]; then podman_ps_rss "$p"; fi
      down+=("$(timed podman_down "$p" || echo FAILED)")
    done
    F[podman_up$n]=$(printf '%s\n' "${up[@]}" | median)
    F[podman_down$n]=$(printf '%s\n' "${down[@]}" | median)
  done
}

# With 50 podman containers up: podman-compose ps latency, and the conmon processes' memory.
podman_ps_rss() {
  local p=$1 r all=() pid kb=0
  for ((r = 0; r < 5; r++)); do all+=("$(cd "$WORK/$p" && timed pc -p "$p" ps)"); done
  F[podman_ps]=$(printf '%s\n' "${all[@]}" | median)
  for pid in $(pgrep -x conmon); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$p" || continue
    kb=$((kb + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")))
  done
  F[podman_rss]=$(awk -v k=$kb 'BEGIN{ printf "%.1f", k / 1024 }')
}

section_chain() {
  local r all=()
  PROJECTS+=("benchchain")
  for ((r = 0; r < RUNS; r++)); do
    all+=("$(timed "$STACK" -f "$REPO/examples/chain/compose.yaml" -p benchchain up -d --wait || echo FAILED)")
    "$STACK" -f "$REPO/examples/chain/compose.yaml" -p benchchain down -t 1 >>"$WORK/out.log" 2>&1
  done
  F[stack_chain]=$(printf '%s\n' "${all[@]}" | median)
}

# Nanoseconds of an RFC 3339 stamp (stack logs -t).
rfc_ns() { date -d "$1" +%s%N; }

# The first restart: the gap between the line printed just before the exit and the first line
# of the next run, both stamped by the supervisor's log pump when it reads them.
section_restart() {
  mkdir -p "$WORK/crash"
  cat >"$WORK/crash/compose.yaml" <<'YAML'
services:
  crash:
    command: ["sh", "-c", "echo starting; sleep 0.3; echo crashing; exit 3"]
    restart: always
    x-stack: {rootfs: host}
YAML
  PROJECTS+=("benchcrash")
  local r lat=() gap
  for ((r = 0; r < RUNS; r++)); do
    "$STACK" -f "$WORK/crash/compose.yaml" -p benchcrash up -d >>"$WORK/out.log" 2>&1 || { lat+=(FAILED); continue; }
    gap=$(timeout 20 "$STACK" -p benchcrash logs -f -t --no-color --no-log-prefix 2>>"$WORK/out.log" |
      awk '/ crashing$/ { c = $1 } / starting$/ { n++; if (n == 2 && c != "") { print c, $1; exit } }')
    "$STACK" -f "$WORK/crash/compose.yaml" -p benchcrash down -t 1 >>"$WORK/out.log" 2>&1
    [ -n "$gap" ] || { lat+=(FAILED); continue; }
    set -- $gap
    lat+=("$(ms "$(rfc_ns "$1")" "$(rfc_ns "$2")")")
  done
  F[stack_restart]=$(printf '%s\n' "${lat[@]}" | grep -v FAILED | median)
  [ $HAVE_PODMAN = 1 ] && podman_restart
}

# podman run --restart=on-failure (conmon runs the policy; no backoff): the container stamps
# the clock (busybox adjtimex, us) before it exits and when it starts again.
podman_restart() {
  local r lat=() log=$WORK/plog name=stkbench-restart-$$ a b
  mkdir -p "$log"
  local stamp='adjtimex | awk "/tv_sec/{s=\$2}/tv_usec/{u=\$2}END{printf \"%d.%06d\", s, u}"'
  for ((r = 0; r < PRUNS + 2; r++)); do
    : >"$log/stamps"
    podman run -d --name "$name" --pull=never --network none --restart=on-failure:1 -v "$log:/log" "$PIMG" \
      sh -c "echo start \$($stamp) >>/log/stamps; sleep 0.3; echo exit \$($stamp) >>/log/stamps; exit 1" >/dev/null 2>>"$WORK/out.log"
    for ((a = 0; a < 200; a++)); do [ "$(grep -c '^start' "$log/stamps")" -ge 2 ] && break; sleep 0.05; done
    podman rm -f "$name" >/dev/null 2>&1
    a=$(awk '/^exit/ { print $2; exit }' "$log/stamps"); b=$(awk '/^start/ { n++; if (n == 2) print $2 }' "$log/stamps")
    [ -n "$a" ] && [ -n "$b" ] && lat+=("$(awk -v a="$a" -v b="$b" 'BEGIN{ printf "%.1f", (b - a) * 1000 }')")
  done
  F[podman_restart]=$(printf '%s\n' "${lat[@]}" | median)
}

section_ps() {
  write_services "$WORK/ps50" 50 stack
  PROJECTS+=("benchps")
  "$STACK" -f "$WORK/ps50/compose.yaml" -p benchps up -d >>"$WORK/out.log" 2>&1 || { F[stack_ps]=FAILED; return; }
  local r all=()
  for ((r = 0; r < 20; r++)); do all+=("$(timed "$STACK" version)"); done
  F[stack_version]=$(printf '%s\n' "${all[@]}" | median)
  all=()
  for ((r = 0; r < 20; r++)); do all+=("$(timed "$STACK" -p benchps ps)"); done
  F[stack_ps]=$(printf '%s\n' "${all[@]}" | median)
  all=()
  for ((r = 0; r < 20; r++)); do all+=("$(timed "$STACK" -p benchps ps -a --format json)"); done
  F[stack_psjson]=$(printf '%s\n' "${all[@]}" | median)
  local pid
  pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["supervisor_pid"])' \
        "$STACK_RUN_ROOT/benchps/state.json" 2>/dev/null)
  F[stack_rss]=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/${pid:-0}/status" 2>/dev/null)
  "$STACK" -f "$WORK/ps50/compose.yaml" -p benchps down -t 1 >>"$WORK/out.log" 2>&1
}

echo "stack: $STACK"
echo "date: $(date -u +%FT%TZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)  cpus: $(nproc)"
[ $HAVE_PODMAN = 1 ] || echo "podman-compose: not measured (run /work/shared/peers/setup.sh)"
for s in $SECTIONS; do
  case $s in
  updown) section_updown ;;
  chain) section_chain ;;
  restart) section_restart ;;
  ps) section_ps ;;
  *) echo "unknown section: $s" >&2 ;;
  esac
done
v() { echo "${F[$1]:--}"; }
echo "== ms unless noted; stack median of $RUNS, podman-compose of $PRUNS"
row "what" "stack" "podman-comp." "target" "pc/stack" ""
for n in 1 10 50; do
  t=""; [ $n = 10 ] && t="<1000, 10x"
  row "up -d, N=$n" "$(v stack_up$n)" "$(v podman_up$n)" "$t" "$(ratio "$(v podman_up$n)" "$(v stack_up$n)")" ""
  row "down, N=$n" "$(v stack_down$n)" "$(v podman_down$n)" "" "$(ratio "$(v podman_down$n)" "$(v stack_down$n)")" ""
done
row "chain of 5 service_healthy, up -d --wait" "$(v stack_chain)" "(no gate)" "" "-" ""
row "crash -> running again (first restart)" "$(v stack_restart)" "$(v podman_restart)" "<150" "$(ratio "$(v podman_restart)" "$(v stack_restart)")" ""
row "process start floor (stack version)" "$(v stack_version)" "" "" "" ""
row "ps, 50 containers" "$(v stack_ps)" "$(v podman_ps)" "<50" "$(ratio "$(v podman_ps)" "$(v stack_ps)")" ""
row "ps -a --format json, 50 containers" "$(v stack_psjson)" "" "" "" ""
row "supervisor RSS, 50 containers (MiB)" "$(v stack_rss)" "$(v podman_rss)" "<20" "" ""
echo "(podman: RSS is the sum of the 50 conmon monitors; its restart has no backoff)"
