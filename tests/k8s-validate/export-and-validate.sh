#!/usr/bin/env bash
# Exports the fixture stack both ways (one multi-document file, one file per object) with every
# option on and off, and validates each export strictly.
#   export-and-validate.sh STACK_BINARY FIXTURE_FILE WORK_DIR
set -euo pipefail
stack=$1 fixture=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
"$stack" -f "$fixture" export k8s -o "$work/plain.yaml" 2>"$work/plain.report"
"$stack" -f "$fixture" export k8s --network-policies --namespace shop --pvc-size 5Gi \
    -o "$work/dir" 2>"$work/dir.report"
"$stack" -f "$fixture" export k8s --network-policies >"$work/stdout.yaml" 2>/dev/null
grep -q '^approximated: ' "$work/plain.report"
node "$here/validate.js" "$work/plain.yaml"
node "$here/validate.js" "$work/stdout.yaml"
node "$here/validate.js" "$work/dir"
