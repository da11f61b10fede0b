#!/usr/bin/env bash
# Installs npm's toxiproxy-node-client (a real Toxiproxy client, for the test that drives
# chaosctl's Toxiproxy-compatible API with it) into DIR/node_modules, from the npm registry.
# Safe to run again: skips when the pinned version is there. Usage: toxiproxy-client.sh DIR
set -euo pipefail
dir=${1:?usage: toxiproxy-client.sh DIR}
version=4.1.0
if [ -f "$dir/node_modules/toxiproxy-node-client/package.json" ] &&
   grep -q "\"version\": \"$version\"" "$dir/node_modules/toxiproxy-node-client/package.json"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "toxiproxy-client: npm is missing; run tests/setup/install-deps.sh first" >&2
  exit 1
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error \
  "toxiproxy-node-client@$version"
