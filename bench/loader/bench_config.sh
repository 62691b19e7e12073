#!/usr/bin/env bash
# Prints the time and peak memory of `stack config` on the largest example stack file and on a
# generated 1,000-service file (target: under 100 ms). Figures, not a pass/fail test.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
stack=${STACK:-$here/build/orchestrator/stack}
runs=${RUNS:-10}
work=$(mktemp -d /tmp/stk-bench-config.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 - "$work/compose.yaml" <<'PY'
import sys
n = 1000
with open(sys.argv[1], "w") as f:
    f.write("name: bench\nx-common: &common\n  restart: unless-stopped\n  environment:\n    LOG_LEVEL: ${LOG_LEVEL:-info}\n")
    f.write("services:\n")
    for i in range(n):
        f.write(f"  svc{i}:\n    <<: *common\n    image: busybox:1.36\n")
        f.write(f"    command: [\"sh\", \"-c\", \"echo {i}; sleep 3600\"]\n")
        f.write(f"    ports: [\"127.0.0.1:{20000 + i}:80\"]\n")
        f.write("    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 5s\n")
        if i:
            f.write(f"    depends_on:\n      svc{i - 1}:\n        condition: service_started\n")
        f.write(f"    volumes: [\"data{i % 10}:/data\"]\n")
    f.write("volumes:\n")
    for i in range(10):
        f.write(f"  data{i}:\n")
PY

largest=$(find "$here/../shared/conformance/compose" -name 'compose.yaml' -o -name 'docker-compose.yml' 2>/dev/null \
          | xargs -r ls -S 2>/dev/null | head -1)

measure() {  # label file [config flags...]
    local label=$1 file=$2 best=999999 total=0 rss=0
    shift 2
    for _ in $(seq "$runs"); do
        local t0 t1 ms
        t0=$(date +%s%N)
        "$stack" -f "$file" config "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000 ))
        total=$((total + ms)); [ "$ms" -lt "$best" ] && best=$ms
    done
    /usr/bin/time -f '%M' -o "$work/rss" "$stack" -f "$file" config "$@" >/dev/null 2>&1 || true
    rss=$(tail -1 "$work/rss")
    printf '%-34s best %7.1f ms   mean %7.1f ms   peak RSS %6d KiB\n' "$label" \
        "$(echo "$best/1000" | bc -l)" "$(echo "$total/$runs/1000" | bc -l)" "$rss"
}

echo "stack config, $runs runs each ($(nproc) cores)"
[ -n "$largest" ] && measure "largest example ($(basename "$(dirname "$largest")"))" "$largest"
# -q: load, interpolate, merge, decode, validate and check the graph (what `up` needs);
# without it the canonical YAML is printed too.
measure "1,000 services: resolve (-q)" "$work/compose.yaml" -q
measure "1,000 services: resolve + YAML" "$work/compose.yaml"
measure "1,000 services: resolve + JSON" "$work/compose.yaml" --format json
