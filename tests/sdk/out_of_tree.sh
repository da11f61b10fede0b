#!/usr/bin/env bash
# What a plugin author does, end to end, outside chaosctl's tree:
#   1. install the SDK from a chaosctl build into a fresh prefix (cmake --install --component sdk)
#   2. copy the installed template and examples somewhere else, build each with find_package,
#      and run their own unit tests (fake host; process_pause pauses a real process)
#   3. load the three plugins with `chaosctl --plugin-dir DIR plugins`
#   4. `chaosctl plugin check` passes on each, and fails (exit 1) on a broken plugin
#
# usage: out_of_tree.sh BUILD_DIR CHAOSCTL BROKEN_PLUGIN_SO WORK_DIR
set -euo pipefail
build=$1 chaosctl=$2 broken=$3 work=$4

step() { printf '\n=== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/src" "$work/plugins"
prefix=$work/prefix

step "install the SDK into $prefix"
cmake --install "$build" --component sdk --prefix "$prefix"
test -f "$prefix/include/chaos/plugin.h" || fail "no chaos/plugin.h in the prefix"
test -f "$prefix/share/cmake/chaos-sdk/chaos-sdkConfig.cmake" || fail "no package config"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

for project in template examples/process_pause examples/cpu_burn; do
  name=$(basename "$project")
  step "build $name out of tree against the installed SDK"
  cp -r "$prefix/share/chaos-sdk/$project" "$work/src/$name"
  cmake -S "$work/src/$name" -B "$work/build/$name" "${generator[@]}" "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
  cmake --build "$work/build/$name" -j 2
  step "unit tests of $name (fake host)"
  ctest --test-dir "$work/build/$name" --output-on-failure --timeout 120
  cp "$work"/build/"$name"/*.so "$work/plugins/"
done

step "chaosctl --plugin-dir loads all three"
"$chaosctl" --plugin-dir "$work/plugins" plugins | tee "$work/plugins.txt"
for kind in maintenance_flag process_pause cpu_burn; do
  grep -q "fault kind: $kind" "$work/plugins.txt" || fail "chaosctl plugins does not list $kind"
done

step "chaosctl plugin check passes on each"
"$chaosctl" plugin check "$work/plugins/maintenance_flag.so" \
  --params "maintenance_flag={\"path\":\"$work/flag\"}"
"$chaosctl" plugin check "$work/plugins/cpu_burn.so"
sleep 60 &
target=$!
trap 'kill -9 $target 2>/dev/null || true' EXIT
"$chaosctl" plugin check "$work/plugins/process_pause.so" --params "process_pause={\"pid\":$target}"
state=$(sed 's/.*) //' "/proc/$target/stat" | cut -d' ' -f1)
[[ $state != T ]] || fail "process $target was left paused"

step "chaosctl plugin check fails on a broken plugin"
set +e
"$chaosctl" plugin check "$broken" --timeout 3s
code=$?
set -e
[[ $code == 1 ]] || fail "plugin check on a broken plugin exited $code, expected 1"

step "all good"
