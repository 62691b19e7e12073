#!/usr/bin/env bash
# Builds the loader's libFuzzer target with clang (ASan + UBSan) and runs it for FUZZ_SECONDS
# (default 60) on a corpus seeded from tests/fuzz/corpus and the conformance stack files.
# A crash, hang or leak fails the run; the input is kept and printed so it can be added to
# tests/fuzz/regressions/, which a unit test replays on every build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${FUZZ_BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
if ! command -v clang++ >/dev/null; then
    echo "fuzz: clang++ not installed (scripts/install-deps.sh installs it)" >&2
    exit 1
fi
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSTACK_FUZZ=ON -DSTACK_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_loader >/dev/null

work=$(mktemp -d /tmp/stk-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp tests/fuzz/corpus/* "$work/corpus/" 2>/dev/null || true
cp tests/fuzz/regressions/* "$work/corpus/" 2>/dev/null || true
i=0
while IFS= read -r f; do cp "$f" "$work/corpus/seed$((i++)).yaml"; done \
    < <(find "$root/../shared/conformance/compose" -name '*.yaml' -o -name '*.yml' 2>/dev/null)

set +e
"$build/tests/fuzz/fuzz_loader" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    -dict=tests/fuzz/compose.dict "$work/corpus" > "$work/log" 2>&1
rc=$?
set -e
tail -n 12 "$work/log"
if [ $rc -ne 0 ]; then
    mkdir -p "$build/found"
    cp "$work"/artifacts/* "$build/found/" 2>/dev/null || true
    echo "fuzz: the loader failed on an input (kept in $build/found/); add it to tests/fuzz/regressions/" >&2
    exit 1
fi
echo "fuzz: no crash, hang or leak in ${seconds}s"
