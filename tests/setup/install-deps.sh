#!/usr/bin/env bash
# Installs what chaosctl needs to build and test on Debian 12, as root. Safe to run again.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev liblua5.4-dev libsqlite3-dev libspdlog-dev
  libcurl4-openssl-dev libssl-dev libcli11-dev libgtest-dev
  # time zones for schedules and blackout windows: Howard Hinnant's date/tz (GCC 12's <chrono>
  # has none), reading the system's tz database
  libhowardhinnant-date-dev tzdata
  # tests and the demo: real servers the tests start on loopback ports and stop by pid
  curl json-schema-test-suite postgresql nginx haproxy wrk prometheus
  # the web UI: the browser test drives Debian's Chromium
  chromium
  # fuzzing and sanitizer builds (tests/fuzz/run.sh, tests/sanitize/run.sh): libFuzzer and the
  # sanitizer runtimes
  clang libclang-rt-14-dev
)
# npm vendors uPlot (tests/setup/web-deps.sh). Many machines already have Node.js with npm
# (e.g. from NodeSource); only a machine without npm gets Debian's packages.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root (or with sudo)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
