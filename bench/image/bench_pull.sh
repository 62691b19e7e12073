#!/usr/bin/env bash
# Pull time of a multi-layer image from a docker-registry on loopback: `stack pull` (download,
# verify, unpack into the store) against `skopeo copy docker://... oci:DIR` (download and verify
# only, no unpacking) of the same image in the same run, and `podman pull` into a private
# storage (download, verify, unpack: the like-for-like peer). Medians of RUNS; prints ratios.
#   bench/image/bench_pull.sh [RUNS=5] [LAYERS=4] [MB_PER_LAYER=8]
set -euo pipefail
runs=${1:-5}
layers=${2:-4}
mb=${3:-8}
here=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$here/../.." && pwd)
# shellcheck source=../lib/bench_common.sh
. "$REPO/bench/lib/bench_common.sh"
find_stack
stack=$STACK
for tool in docker-registry skopeo python3; do
    command -v $tool >/dev/null || { echo "$tool is missing (scripts/install-deps.sh)"; exit 2; }
done

# The work dir (registry storage, stores, podman's overlay storage) goes on every exit path:
# EXIT runs bench_cleanup, and INT/TERM become an exit so that it runs then too.
make_work pull
work=$WORK
reg_pid=
EXTRA_CLEANUP=cleanup_pull
cleanup_pull() {
    # Under set -e a failing line here would end the script before WORK is removed: none may fail.
    if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
    if [ -d "$work/podman" ]; then
        podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay \
            system reset -f >/dev/null 2>&1 || true
        # podman may leave its overlay mounts behind; rm -rf cannot remove what is mounted.
        findmnt -rn -o TARGET | grep "^$work/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    fi
    return 0
}
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
reg_pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done

python3 "$here/make_layers.py" "$work/oci" bench "$layers" "$mb"
image=127.0.0.1:$port/bench/layers:1
skopeo copy --quiet --dest-tls-verify=false "oci:$work/oci:bench" "docker://$image"
size=$(du -sm "$work/registry" | cut -f1)
printf 'services:\n  app:\n    image: %s\n' "$image" > "$work/compose.yaml"

stack_ms=()
skopeo_ms=()
podman_ms=()
for i in $(seq "$runs"); do
    rm -rf "$work/data" "$work/skopeo"
    mkdir -p "$work/data" "$work/run"
    t0=$(now_ns)
    STACK_DATA_ROOT=$work/data STACK_RUN_ROOT=$work/run DOCKER_CONFIG=$work/nodocker \
        "$stack" -f "$work/compose.yaml" pull -q
    t1=$(now_ns)
    skopeo copy --quiet --src-tls-verify=false "docker://$image" "oci:$work/skopeo:1"
    t2=$(now_ns)
    stack_ms+=($(( (t1 - t0) / 1000000 )))
    skopeo_ms+=($(( (t2 - t1) / 1000000 )))
    if command -v podman >/dev/null; then
        t3=$(now_ns)
        podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay \
            pull -q --tls-verify=false "$image" >/dev/null
        podman_ms+=($(( ($(now_ns) - t3) / 1000000 )))
        podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver overlay \
            system reset -f >/dev/null 2>&1 || true
    fi
done
s=$(printf '%s\n' "${stack_ms[@]}" | median)
k=$(printf '%s\n' "${skopeo_ms[@]}" | median)
echo "image: $((layers + 1)) layers ($layers x ${mb} MiB random + busybox), ${size} MiB in the registry, $runs runs"
echo "stack pull (download + verify + unpack): median ${s} ms   runs: ${stack_ms[*]}"
echo "skopeo copy to oci: (download + verify): median ${k} ms   runs: ${skopeo_ms[*]}"
awk -v s="$s" -v k="$k" 'BEGIN {printf "ratio stack/skopeo: %.2f (target <= 1.00)\n", s / k}'
if [ ${#podman_ms[@]} -gt 0 ]; then
    p=$(printf '%s\n' "${podman_ms[@]}" | median)
    echo "podman pull (download + verify + unpack): median ${p} ms   runs: ${podman_ms[*]}"
    awk -v s="$s" -v p="$p" 'BEGIN {printf "ratio stack/podman: %.2f\n", s / p}'
fi
