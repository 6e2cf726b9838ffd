#!/usr/bin/env bash
# Installs what ingress-doctor's lab and tests need on Debian 12 (as root) and builds the project.
# Idempotent: skips what is already there. Used by scripts/demo.sh, scripts/test.sh and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pair in ip:iproute2 iptables:iptables nft:nftables nginx:nginx-light haproxy:haproxy conntrack:conntrack \
  ping:iputils-ping dig:dnsutils curl:curl openssl:openssl pgrep:procps chromium:chromium; do
  cmd=${pair%%:*} pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if ! command -v node >/dev/null 2>&1; then need_apt+=(nodejs npm); fi
# Fonts for the headless-Chromium report tests and screenshots (chromium only recommends them).
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need_apt+=(fonts-dejavu-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages (${need_apt[*]}); run as root or install them" >&2
    exit 2
  fi
  echo "setup: installing ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Never let package scripts start nginx/haproxy on the host: the lab runs its own, in namespaces.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20.11 is needed (found $(node --version))" >&2
  exit 2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx tsc -p tsconfig.json
