#!/usr/bin/env bash
# Configures and builds chaosctl (Release) into build/. Usage: tests/setup/build.sh [BUILD_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# Paths under the repository are hashed relative to it, so every clone shares the cache.
export CCACHE_BASEDIR="$repo"
bash "$repo/tests/setup/web-deps.sh"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)"
