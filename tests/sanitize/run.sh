#!/usr/bin/env bash
# Builds the proxy (tests/plugins, tests/network), flood (tests/load) and engine (tests/engine)
# tests with sanitizers, in a build directory of their own (build-asan/, build-tsan/), and runs
# them. Usage: tests/sanitize/run.sh asan|tsan [ctest args...]
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer)
#   tsan: ThreadSanitizer
# ASan uses clang (Debian's clang-14 with libclang-rt-14-dev), TSan gcc: clang's shared TSan
# runtime crashes when a library's constructor allocates before it is set up (libp11-kit,
# through libcurl), and gcc's is shared by default. Exits non-zero on any finding.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mode=${1:?usage: tests/sanitize/run.sh asan|tsan [ctest args...]}
shift
here="$repo/tests/sanitize"
case "$mode" in
  asan)
    flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
    cc=clang cxx=clang++
    exclude=()
    # The runtime as a shared library, in the executables and in the plugin modules alike:
    # the modules link with --no-undefined, and one process must have one runtime.
    link="-fsanitize=address,undefined -shared-libsan -Wl,-rpath,$(clang -print-runtime-dir)"
    ;;
  tsan)
    flags="-fsanitize=thread -fno-omit-frame-pointer"
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tsan.supp:print_suppressions=0"
    cc=gcc cxx=g++
    link="-fsanitize=thread"  # gcc links libtsan.so into executables and modules alike
    # Not our bug: the hostile-script tests raise Lua errors at every instruction (the CPU
    # budget's stop), and Debian's liblua (not instrumented) longjmps over frames TSan
    # recorded, so its shadow stack only grows: past 65536 frames the runtime aborts
    # ("CHECK failed ... sanitizer_stackdepot.cpp:83 ((args.size)) < ((1 << kStackSizeBits))").
    # Those tests are single-threaded; ASan runs them.
    # LatencyBufferTest measures bulk throughput through a delay (e.g. 256 MiB in a bounded
    # time); at TSan's slowdown the transfer cannot reach the rate it asserts. No race is
    # reported in them; they run in the ASan build and the normal suite.
    exclude=(-E '^(HostileScriptTest|LatencyBufferTest)\.')
    ;;
  *)
    echo "usage: tests/sanitize/run.sh asan|tsan" >&2
    exit 64
    ;;
esac
build=${CHAOS_SANITIZE_BUILD:-$repo/build-$mode}
dirs=(tests/plugins tests/network tests/load tests/engine)

[ ! -f "$repo/tests/setup/web-deps.sh" ] || bash "$repo/tests/setup/web-deps.sh" >/dev/null
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR="$repo"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=$cc -DCMAKE_CXX_COMPILER=$cxx \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="$link" -DCMAKE_MODULE_LINKER_FLAGS="$link" \
  -DCMAKE_SHARED_LINKER_FLAGS="$link" "${launcher[@]}" >/dev/null
# Each test directory's own targets (and what they depend on: the plugins, the test plugins).
cmake --build "$build" -j "$(nproc)" --target "${dirs[@]/%//all}"

status=0
for d in "${dirs[@]}"; do
  echo "sanitize ($mode): $d"
  ctest --test-dir "$build/$d" --output-on-failure --timeout 600 -j 2 "${exclude[@]}" "$@" ||
    status=1
done
if [ "$status" -eq 0 ]; then
  echo "sanitize ($mode): clean"
else
  echo "sanitize ($mode): FINDINGS (see the output above)"
fi
exit "$status"
