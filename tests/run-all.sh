#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine: install, build, run every test with
# ctest. This is the README's test command and what .ci/run calls.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bash "$repo/tests/setup/install-deps.sh"
bash "$repo/tests/setup/build.sh" "$repo/build"
cd "$repo/build"
ctest --output-on-failure --timeout 300 -j 2
