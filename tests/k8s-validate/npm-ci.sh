#!/usr/bin/env bash
# Installs the validator's pinned packages (package-lock.json) with `npm ci`, unless
# node_modules already holds exactly that lock: then nothing is fetched, so the tests run offline.
set -euo pipefail
cd "$(dirname "$0")"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ] &&
   node -e 'const a=require("./package-lock.json").packages,b=require("./node_modules/.package-lock.json").packages;
            for (const k of Object.keys(a)) if (k && (!b[k] || b[k].version !== a[k].version)) process.exit(1)'; then
    echo "node_modules matches package-lock.json: npm ci not needed"
    exit 0
fi
npm ci --prefer-offline --no-audit --no-fund
