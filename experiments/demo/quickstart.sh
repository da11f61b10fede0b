#!/usr/bin/env bash
# The quick start: install, build, start the demo shop and its database on 127.0.0.1, run
# experiments/db_slowdown.lua against them, stop the demo. Exits with the run's exit code
# (1 = deviated: the experiment found the weakness it looks for; see the README).
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bash "$repo/tests/setup/install-deps.sh" || exit 1
bash "$repo/tests/setup/build.sh" "$repo/build" || exit 1

demo="$repo/experiments/demo/demo.sh"
trap 'bash "$demo" stop >/dev/null 2>&1' EXIT
bash "$demo" start || exit 1

cd "$repo"
echo
echo "\$ chaosctl run experiments/db_slowdown.lua"
"$repo/build/bin/chaosctl" run experiments/db_slowdown.lua
code=$?
echo
echo "chaosctl exited with $code (0 passed, 1 deviated, 2 not_steady, 3 aborted, 4 errored)."
echo "The run is stored in $repo/chaos.db: try 'build/bin/chaosctl runs' and 'build/bin/chaosctl show <id>'."
exit $code
