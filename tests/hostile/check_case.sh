#!/usr/bin/env bash
# Runs one hostile-input case (cases/NAME.lua) through the real chaosctl and checks what its
# header promises. Header lines (Lua comments at the top of the case):
#   -- case: what the case is, and the issue it pins
#   -- validate: EXIT             `chaosctl validate FILE` exits EXIT ...
#   -- run: EXIT                  `chaosctl run FILE` (a fresh --db) exits EXIT ...
#   -- error: TEXT                ... and each prints TEXT (FILE stands for the case's path)
#   -- validate-output: TEXT      validate prints TEXT too (repeatable)
#   -- run-output: TEXT           run prints TEXT too (repeatable)
#   -- within: SECONDS            ... each within SECONDS (default 20): no hang
#   -- sigterm-after: SECONDS     run gets SIGTERM this long after it started
# EXIT may be "3 or 4" where either verdict is right.
# Usage: check_case.sh CHAOSCTL CASE_FILE
set -uo pipefail
chaosctl=$1
file=$2
header() { sed -n "s/^-- $1: //p" "$file" | head -1; }
within=$(header within)
within=${within:-20}
sigterm_after=$(header sigterm-after)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

check() {  # check COMMAND EXPECTED_EXIT
  local command=$1 expected=$2 started ended code out
  started=$(date +%s%N)
  if [ "$command" = run ]; then
    timeout -s KILL "$within" "$chaosctl" run --no-color --db "$tmp/chaos.db" "$file" \
      >"$tmp/out" 2>&1 &
    local pid=$!
    if [ -n "$sigterm_after" ]; then
      sleep "$sigterm_after"
      pkill -TERM -P "$pid" -x chaosctl || true  # the chaosctl under this timeout only
      echo "sent SIGTERM after ${sigterm_after}s"
    fi
    wait "$pid"
  else
    timeout -s KILL "$within" "$chaosctl" validate "$file" >"$tmp/out" 2>&1
  fi
  code=$?
  ended=$(date +%s%N)
  out=$(cat "$tmp/out")
  echo "chaosctl $command: exit $code after $(( (ended - started) / 1000000 )) ms"
  echo "$out" | sed 's/^/  | /' | head -20
  if [ "$code" -eq 137 ]; then
    echo "FAIL: chaosctl $command did not finish within ${within}s"
    failed=1
  elif [[ " ${expected//or/} " != *" $code "* ]]; then
    echo "FAIL: chaosctl $command exited $code, expected $expected"
    failed=1
  fi
  local want
  while IFS= read -r want; do
    want=${want//FILE/$file}
    if [[ "$out" != *"$want"* ]]; then
      echo "FAIL: the output of chaosctl $command does not contain: $want"
      failed=1
    fi
  done < <(sed -n -e "s/^-- error: //p" -e "s/^-- $command-output: //p" "$file")
}

validate_exit=$(header validate)
run_exit=$(header run)
[ -n "$validate_exit$run_exit" ] || { echo "FAIL: $file has no '-- validate:' or '-- run:' line"; exit 1; }
[ -z "$validate_exit" ] || check validate "$validate_exit"
[ -z "$run_exit" ] || check run "$run_exit"
if [ "$failed" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit "$failed"
