#!/usr/bin/env bash
# Vendors the web UI's npm packages into web/node_modules with `npm ci` (exact versions from
# web/package-lock.json): uPlot, which the build embeds into chaosctl, and playwright-core, which
# drives the system Chromium in the browser test (it downloads no browser). Safe to run again:
# skips when node_modules matches the lockfile.
set -euo pipefail
web=$(cd "$(dirname "$0")/../../web" && pwd)
if ! command -v npm >/dev/null; then
  echo "web-deps: npm is missing; run tests/setup/install-deps.sh first" >&2
  exit 1
fi
stamp="$web/node_modules/.package-lock.json"
if [ -f "$stamp" ] && [ -f "$web/node_modules/uplot/dist/uPlot.iife.min.js" ] &&
   [ "$stamp" -nt "$web/package-lock.json" ]; then
  echo "web-deps: web/node_modules is up to date"
  exit 0
fi
echo "web-deps: npm ci in web/"
cd "$web"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
