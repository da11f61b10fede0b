#!/usr/bin/env bash
# Abort latency, measured: runs an experiment N times (default 20) whose guardrail breaks while
# 300 ms of database latency is on, and reports the distribution of
#   abort latency    — from the probe sample that broke the guardrail to every fault stopped
#                      (what chaosctl records in each run's summary), and
#   detection time   — from the fault's start to the abort event (bounded by how fast the
#                      probe can see the fault: here one request through 300 ms of latency).
# Uses the demo system on its usual loopback ports; all traffic stays on 127.0.0.1.
# usage: bench/abort-latency.sh [N]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
bin="$repo/build/bin"
[ -x "$bin/chaosctl" ] || bash "$repo/tests/setup/build.sh" "$repo/build"
work=$(mktemp -d)
trap 'bash "$repo/experiments/demo/demo.sh" stop "$work/demo" >/dev/null 2>&1; rm -rf "$work"' EXIT
CHAOS_BIN_DIR="$bin" bash "$repo/experiments/demo/demo.sh" start "$work/demo" >/dev/null

cat > "$work/abort.lua" <<'LUA'
experiment {
  title = "Abort latency benchmark",
  proxies = { db = { listen = "127.0.0.1:15432", upstream = "127.0.0.1:15433" } },
  guardrails = {
    http_probe "checkout" { url = "http://127.0.0.1:18080/checkout", every = "250ms",
      window = "1s", min_samples = 1, expect = { max_ms = 150, error_ratio = 0.2 } },
  },
  method = { fault "latency" { proxy = "db", delay = "300ms", duration = "30s" } },
}
LUA
for i in $(seq "$n"); do
  "$bin/chaosctl" --db "$work/bench.db" --no-color run "$work/abort.lua" >/dev/null || true
done

# One line per run: abort latency (ms) and detection time (ms), from the stored runs.
for id in $(seq "$n"); do
  "$bin/chaosctl" --db "$work/bench.db" show "$id" --json |
    grep -o '"abort_latency_ms":[0-9.]*\|"unix_ms":[0-9]*,"phase":"[a-z]*","kind":"\(fault_start\|abort\)"' |
    awk -F'[:,]' '/abort_latency/ {lat=$2} /fault_start/ {start=$2} /"abort"/ {abort=$2}
                  END {printf "%s %d\n", lat, abort-start}'
done > "$work/results"

summary() {  # column, label
  sort -n -k"$1" "$work/results" | awk -v col="$1" -v label="$2" '
    { v[NR] = $col }
    END {
      if (NR == 0) { print label ": no aborted runs"; exit }
      p50 = int((NR + 1) * 0.5); p90 = int(NR * 0.9 + 0.5); if (p90 > NR) p90 = NR
      printf "%-15s n=%d  min %.2f  p50 %.2f  p90 %.2f  max %.2f ms\n", label, NR, v[1], v[p50], v[p90], v[NR]
    }'
}
echo "abort latency benchmark: $n runs, guardrail http probe every 250ms, 300ms db latency"
summary 1 "abort latency"
summary 2 "detection time"
