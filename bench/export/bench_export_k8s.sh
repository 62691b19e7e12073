#!/usr/bin/env bash
# Prints how long `stack export k8s` takes on the k8s fixture and on a generated 300-service
# stack (each with ports, a healthcheck, a dependency, a named volume and env), and how many
# objects it writes. Figures, not a pass/fail test.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
stack=${STACK:-$here/build/orchestrator/stack}
runs=${RUNS:-5}
work=$(mktemp -d /tmp/stk-bench-export.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 - "$work/compose.yaml" <<'PY'
import sys
n = 300
with open(sys.argv[1], "w") as f:
    f.write("name: bench\nservices:\n")
    for i in range(n):
        f.write(f"  svc_{i}:\n    image: busybox:1.36\n    restart: always\n")
        f.write(f"    ports: [\"{20000 + i}:80\", \"{30000 + i}:443\"]\n")
        f.write("    environment: {LOG_LEVEL: info}\n")
        f.write("    healthcheck: {test: [\"CMD\", \"true\"], interval: 5s}\n")
        if i:
            f.write(f"    depends_on: {{svc_{i - 1}: {{condition: service_healthy}}}}\n")
        f.write(f"    volumes: [\"data{i % 10}:/data\"]\n")
    f.write("volumes:\n")
    for i in range(10):
        f.write(f"  data{i}: {{}}\n")
PY

measure() {  # label file
    local best=999999
    for _ in $(seq "$runs"); do
        local t0 t1 ms
        t0=$(date +%s%N)
        "$stack" -f "$2" export k8s --network-policies -o "$work/out.yaml" 2>/dev/null
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        [ "$ms" -lt "$best" ] && best=$ms
    done
    printf '%-32s %5d ms (best of %d), %d objects, %d bytes\n' "$1" "$best" "$runs" \
        "$(grep -c '^---$' "$work/out.yaml")" "$(wc -c <"$work/out.yaml")"
}

measure "fixture (5 services)" "$here/tests/fixtures/k8s/compose.yaml"
measure "generated (300 services)" "$work/compose.yaml"
