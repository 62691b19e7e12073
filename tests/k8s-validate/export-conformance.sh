#!/usr/bin/env bash
# Exports every awesome-compose file of the shared conformance corpus that needs no `build:` (the
# build contexts are not in the corpus) and validates the manifests strictly. Bind mounts are
# allowed as hostPath, networks become NetworkPolicies: the widest output.
#   export-conformance.sh STACK_BINARY CORPUS_DIR WORK_DIR
set -euo pipefail
stack=$1 corpus=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
exported=0
for file in "$corpus"/*/compose.yaml "$corpus"/*/compose.yml "$corpus"/*/docker-compose.yaml "$corpus"/*/docker-compose.yml; do
    [ -f "$file" ] || continue
    name=$(basename "$(dirname "$file")")
    if grep -Eq '^[[:space:]]+build:' "$file"; then
        echo "skipped $name: needs build contexts the corpus does not carry"
        continue
    fi
    if ! "$stack" -f "$file" export k8s --allow-hostpath --network-policies -o "$work/$name.yaml" 2>"$work/$name.report"; then
        echo "FAIL $name: export failed:" >&2
        cat "$work/$name.report" >&2
        exit 1
    fi
    node "$here/validate.js" "$work/$name.yaml" || { echo "FAIL $name: manifests invalid" >&2; exit 1; }
    echo "ok $name"
    exported=$((exported + 1))
done
[ "$exported" -gt 0 ] || { echo "no compose file exported from $corpus" >&2; exit 1; }
echo "$exported awesome-compose files exported and valid"
