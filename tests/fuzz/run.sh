#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz/ and runs each for
# SECONDS, starting from its kept corpus (tests/fuzz/corpus/TARGET/{seeds,regressions}).
# Usage: tests/fuzz/run.sh SECONDS [TARGET...]
# Prints executions and findings per target. A finding's input is left in
# build-fuzz/findings/TARGET/; once it is fixed, copy it into corpus/TARGET/regressions so the
# normal ctest run replays it (test fuzz_regressions.TARGET).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(exposition http_framing schema duration address experiment)
build=${CHAOS_FUZZ_BUILD:-$repo/build-fuzz}

# Configuring needs the web UI's assets, even though no fuzz target uses them.
[ ! -f "$repo/tests/setup/web-deps.sh" ] || bash "$repo/tests/setup/web-deps.sh" >/dev/null
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR="$repo"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_FLAGS= -DCMAKE_CXX_FLAGS= \
  -DCMAKE_EXE_LINKER_FLAGS= -DCMAKE_MODULE_LINKER_FLAGS= -DCHAOS_BUILD_TESTS=OFF -DCHAOS_FUZZ=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
summary=()
status=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t"       # grows while fuzzing; the kept corpus is only read
  findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  kept=()
  for d in seeds regressions; do
    [ -d "$repo/tests/fuzz/corpus/$t/$d" ] && kept+=("$repo/tests/fuzz/corpus/$t/$d")
  done
  dict=()
  [ -f "$repo/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$repo/tests/fuzz/dict/$t.dict")
  suite=/usr/share/json-schema-test-suite/tests/draft7
  if [ "$t" = schema ] && [ -d "$suite" ] && command -v python3 >/dev/null &&
     [ -z "$(ls -A "$work")" ]; then
    # Start from the official draft-7 suite too: each case as "schema NUL instance".
    python3 - "$suite" "$work" <<'PY'
import json, pathlib, sys
suite, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
for f in sorted(suite.glob("*.json")):
    for group in json.loads(f.read_text()):
        for case in group["tests"]:
            n += 1
            (out / f"suite-{n}").write_bytes(json.dumps(group["schema"]).encode() + b"\0" +
                                               json.dumps(case["data"]).encode())
PY
  fi
  before=$(find "$findings" -type f | wc -l)
  log="$build/fuzz-$t.log"
  echo "fuzz: $t for ${seconds}s (log: $log)"
  # -fork keeps fuzzing past a finding, so one run reports them all.
  set +e
  "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -print_funcs=0 -artifact_prefix="$findings/" -fork=1 -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 "${dict[@]}" "$work" "${kept[@]}" >"$log" 2>&1
  set -e
  # Fork mode's progress lines start with the total so far: "#123456: cov: ...".
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  execs=${execs:-0}
  after=$(find "$findings" -type f | wc -l)
  new=$((after - before))
  [ "$new" -eq 0 ] || status=1
  summary+=("$(printf '%-14s %12s executions  %3d new findings' "$t" "$execs" "$new")")
done
echo
echo "fuzz summary (${seconds}s each):"
printf '  %s\n' "${summary[@]}"
[ "$status" -eq 0 ] || echo "findings are in $build/findings/ (replay one: $build/bin/fuzz_TARGET FILE)"
exit "$status"
