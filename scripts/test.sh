#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest (as root: the
# integration tests create real namespaces, cgroups and links, each named stk*, and remove them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSTACK_BUILD_TESTS=ON
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j"$(nproc)" --timeout 600
