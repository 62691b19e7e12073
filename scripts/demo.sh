#!/usr/bin/env bash
# Installs what is missing, builds, installs `stack` on the PATH (/usr/local/bin) and shows the
# demo stack in examples/webapp resolved by `stack config`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSTACK_BUILD_TESTS=OFF
cmake --install "${BUILD_DIR:-build}" >/dev/null
echo "stack installed as $(command -v stack)"
echo
echo "\$ stack -f examples/webapp/compose.yaml config"
stack -f examples/webapp/compose.yaml config
