#!/usr/bin/env bash
# Installs what is missing, builds, installs `stack` on the PATH (/usr/local/bin), then brings up
# the demo stack in examples/webapp (web front -> API -> database-like store, gated on health,
# with a published port), shows it answering, and leaves it running detached.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DSTACK_BUILD_TESTS=OFF
cmake --install "${BUILD_DIR:-build}" >/dev/null
echo "stack installed as $(command -v stack)"

file=examples/webapp/compose.yaml
run() { echo; echo "\$ $*"; "$@"; }
run stack -f "$file" config --services
run stack -f "$file" up -d --wait
run stack -f "$file" ps
echo
echo "\$ curl http://127.0.0.1:8080/   (twice: the visit counter lives in the db service)"
for _ in 1 2; do
    python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/", timeout=5).read().decode().strip())'
done
run stack -f "$file" logs --tail 3
cat <<MSG

The demo stack is running in the background.
  open    http://127.0.0.1:8080/
  status  stack -f $file ps
  logs    stack -f $file logs -f
  stop    stack -f $file down
MSG
