# Sourced by the bench scripts: the stack binary, a private run/data root, timing and tables.
# Expects REPO set; sets STACK, WORK, STACK_RUN_ROOT, STACK_DATA_ROOT and an EXIT trap that
# runs EXTRA_CLEANUP, then `stack down` for every project named in PROJECTS, and removes WORK.

find_stack() {
  local c
  if [ -z "${STACK:-}" ]; then
    for c in "$REPO"/build*/orchestrator/stack "$(command -v stack 2>/dev/null)"; do
      [ -x "$c" ] && { STACK=$c; break; }
    done
  fi
  [ -x "${STACK:-}" ] || { echo "no stack binary (build it or pass -b)" >&2; exit 1; }
}

# The run root on a tmpfs, as stack's default (/run/stack) is on a standard system. Where /run
# is not a tmpfs (some VMs and containers), the work directory gets a tmpfs of its own: on a
# disk filesystem mounted with `discard`, every replaced state file waits for a discard.
make_work() {
  WORK=$(mktemp -d "/run/stk-bench-$1.XXXXXX")
  WORK_MOUNTED=0
  if [ "$(stat -f -c %T /run)" != tmpfs ]; then
    mount -t tmpfs -o mode=0755 stkbench "$WORK" && WORK_MOUNTED=1
  fi
  export STACK_RUN_ROOT=$WORK/run STACK_DATA_ROOT=$WORK/data
  mkdir -p "$STACK_RUN_ROOT" "$STACK_DATA_ROOT"
  PROJECTS=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  local p
  [ -n "${EXTRA_CLEANUP:-}" ] && $EXTRA_CLEANUP
  for p in "${PROJECTS[@]}"; do "$STACK" -p "$p" down -t 1 >/dev/null 2>&1; done
  [ "${WORK_MOUNTED:-0}" = 1 ] && umount -l "$WORK"
  rm -rf "$WORK"
}

now_ns() { date +%s%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN{ printf "%.1f", (b - a) / 1e6 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# ratio A B: "A/B" as "12.3x", or "-" when either is not a number.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a + 0 > 0 && b + 0 > 0) printf "%.1fx", a / b; else print "-" }'; }
row() { printf '%-44s %12s %12s %12s %9s %9s\n' "$@"; }

# timed CMD...: runs CMD (output to $WORK/out.log), prints its wall time in ms, returns its status.
timed() {
  local t0 t1 rc
  t0=$(now_ns); "$@" >>"$WORK/out.log" 2>&1; rc=$?; t1=$(now_ns)
  ms "$t0" "$t1"
  return $rc
}

# The rig's private dockerd (/work/shared/peers): started when not running, and stopped at the
# end only when this script started it (another session may be measuring with it).
DOCKERD=/work/shared/peers/lib/dockerd.sh
DOCKERD_STARTED=0
docker_up() {
  [ -f /var/lib/peers/docker-env.sh ] && command -v docker-compose >/dev/null || return 1
  # shellcheck disable=SC1091
  . /var/lib/peers/env.sh; . /var/lib/peers/docker-env.sh
  if ! "$DOCKERD" status >/dev/null 2>&1; then
    "$DOCKERD" start 2>>"$WORK/out.log" || return 1
    DOCKERD_STARTED=1
  fi
  "$DOCKERD" import 2>>"$WORK/out.log" && "$DOCKERD" net 2>>"$WORK/out.log"
}
docker_down() { [ "$DOCKERD_STARTED" = 1 ] && "$DOCKERD" stop 2>>"$WORK/out.log"; DOCKERD_STARTED=0; }
