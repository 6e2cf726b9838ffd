#!/usr/bin/env bash
# Quick start: build the lab with a fault (default: mtu-blackhole), diagnose it end to end the way a user
# would from the "internet" namespace, then tear the lab down.
#   bash scripts/demo.sh [FAULT …]     e.g. bash scripts/demo.sh health-check-path-mismatch
#   KEEP_LAB=1 bash scripts/demo.sh    leaves the lab up for exploring (ingress-doctor lab down --name demo)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2
faults=("$@")
[ ${#faults[@]} -gt 0 ] || faults=(mtu-blackhole)
fault_flags=()
for f in "${faults[@]}"; do fault_flags+=(--fault "$f"); done

cli=(node bin/ingress-doctor.js)
"${cli[@]}" lab up --name demo "${fault_flags[@]}"
if [ "${KEEP_LAB:-}" != 1 ]; then trap '"${cli[@]}" lab down --name demo >/dev/null' EXIT; fi

set +e
"${cli[@]}" lab run --name demo -- ingress-doctor diagnose http://app.example.test/large
code=$?
set -e
# 0 healthy, 1 broken (what the demo's fault should give), 3 inconclusive: all are a diagnosis, not a failure.
case $code in 0 | 1 | 3) exit 0 ;; *) exit "$code" ;; esac
