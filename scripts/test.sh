#!/usr/bin/env bash
# The full test suite: set-up, type check + build, lint, then node's test runner over every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx biome check src test bench bin
mapfile -t files < <(find dist/test -name "*.test.js" | sort)
exec node --test --test-concurrency=2 "${files[@]}"
