#!/usr/bin/env bash
# The full test suite: set-up, type check + build, lint, then node's test runner over every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# A fresh build: compiled tests of deleted or renamed sources must not linger in dist/ and run.
rm -rf dist
bash scripts/setup.sh
npx biome check src test bench bin
mapfile -t files < <(find dist/test -name "*.test.js" | sort)
exec node --test --test-concurrency=2 "${files[@]}"
