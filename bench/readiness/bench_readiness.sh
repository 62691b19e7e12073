#!/usr/bin/env bash
# Readiness benchmark (issue #9): prints figures, asserts nothing. A chain of five services,
# each `depends_on: {condition: service_healthy}` on the previous, brought up until all five
# are healthy, by stack (`up -d --wait`) and by docker-compose with the rig's private dockerd
# (/work/shared/peers: `up -d`, then until all five are healthy), side by side:
#   chain-1s    healthcheck [CMD true], interval 1s
#   chain-30s   the same with interval 30s (docker's default)
#   chain-300ms ready 300 ms after start (a sleep before it touches its ready file), interval 1s
#
# usage (root): bench_readiness.sh [-r RUNS] [-d DOCKER_RUNS] [-b STACK_BINARY] [CHAIN...]
#   DOCKER_RUNS (default 1) applies to docker-compose; chain-30s costs it about 150 s a run.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/bench_common.sh
. "$REPO/bench/lib/bench_common.sh"
RUNS=5
DRUNS=1
STACK=""
while getopts "r:d:b:" o; do
  case $o in
  r) RUNS=$OPTARG ;;
  d) DRUNS=$OPTARG ;;
  b) STACK=$OPTARG ;;
  *) echo "usage: $0 [-r RUNS] [-d DOCKER_RUNS] [-b STACK_BINARY] [CHAIN...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
CHAINS=${*:-chain-1s chain-30s chain-300ms}
find_stack
make_work readiness
EXTRA_CLEANUP=cleanup_docker

# chain_file DIR KIND docker|stack
chain_file() {
  local dir=$1 kind=$2 tool=$3 i interval=1s sleep=0 test='["CMD", "true"]'
  case $kind in
  chain-30s) interval=30s ;;
  chain-300ms) sleep=0.3; test='["CMD", "test", "-f", "/tmp/ready"]' ;;
  esac
  mkdir -p "$dir"
  {
    echo "services:"
    for ((i = 1; i <= 5; i++)); do
      echo "  s$i:"
      if [ "$tool" = docker ]; then echo "    image: $PD_IMG"; fi
      echo "    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep $sleep; touch /tmp/ready; sleep 100000 & wait\"]"
      echo "    healthcheck: {test: $test, interval: $interval, timeout: 5s, retries: 3}"
      [ "$i" -gt 1 ] && echo "    depends_on: {s$((i - 1)): {condition: service_healthy}}"
      [ "$tool" = stack ] && echo "    x-stack: {rootfs: host}"
    done
    [ "$tool" = docker ] && printf 'networks:\n  default:\n    external: true\n    name: %s\n' "$PD_NET"
  } >"$dir/compose.yaml"
}

# docker-compose up -d, then until the five are healthy (docker-compose 1.x has no --wait).
docker_chain_up() {
  local dir=$1 p=$2 i st
  (cd "$dir" && docker-compose -p "$p" up -d) || return 1
  for ((i = 0; i < 6000; i++)); do
    st=$("$DOCKER_BIN" ps -q --filter "label=com.docker.compose.project=$p" --filter health=healthy | wc -l)
    [ "$st" -ge 5 ] && return 0
    sleep 0.05
  done
  return 1
}
docker_chain_down() { (cd "$1" && docker-compose -p "$2" down -t 1); }

DOCKER_PROJECTS=()
cleanup_docker() {
  local p
  for p in "${DOCKER_PROJECTS[@]}"; do docker_chain_down "$WORK/docker-$p" "$p" >/dev/null 2>&1; done
  docker_down
}

declare -A S D
echo "stack: $STACK"
echo "date: $(date -u +%FT%TZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)  cpus: $(nproc)"
have_docker=0
docker_up && have_docker=1 || echo "docker-compose: not measured (run /work/shared/peers/setup.sh --docker)"
for c in $CHAINS; do
  chain_file "$WORK/stack-$c" "$c" stack
  p=rd${c//[^a-z0-9]/}
  PROJECTS+=("$p")
  all=()
  for ((r = 0; r < RUNS; r++)); do
    t=$(timed "$STACK" -f "$WORK/stack-$c/compose.yaml" -p "$p" up -d --wait) || t=FAILED
    all+=("$t")
    "$STACK" -f "$WORK/stack-$c/compose.yaml" -p "$p" down -t 1 >>"$WORK/out.log" 2>&1
  done
  S[$c]=$(printf '%s\n' "${all[@]}" | grep -v FAILED | median)
  printf '%s\n' "${all[@]}" | grep -q FAILED && S[$c]="FAILED"
  D[$c]="-"
  if [ $have_docker = 1 ]; then
    chain_file "$WORK/docker-$p" "$c" docker
    DOCKER_PROJECTS+=("$p")
    all=()
    for ((r = 0; r < DRUNS; r++)); do
      t=$(timed docker_chain_up "$WORK/docker-$p" "$p") || t=FAILED
      all+=("$t")
      docker_chain_down "$WORK/docker-$p" "$p" >>"$WORK/out.log" 2>&1
    done
    D[$c]=$(printf '%s\n' "${all[@]}" | grep -v FAILED | median)
  fi
done
echo "== 5-service service_healthy chain: until all healthy (ms; stack median of $RUNS, docker-compose of $DRUNS)"
row "chain" "stack" "docker-comp." "" "dc/stack" ""
for c in $CHAINS; do
  row "$c" "${S[$c]}" "${D[$c]}" "" "$(ratio "${D[$c]}" "${S[$c]}")" ""
done
for c in $CHAINS; do
  own=0
  [ "$c" = chain-300ms ] && own=1500
  awk -v s="${S[$c]}" -v own=$own -v c="$c" 'BEGIN{ if (s + 0 > 0)
    printf "%s: stack beyond the services own start-up (%d ms): %.1f ms\n", c, own, s - own }'
done
[ -s "$WORK/out.log" ] && grep -iE "error|fail" "$WORK/out.log" | head -5
