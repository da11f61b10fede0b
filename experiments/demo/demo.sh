#!/usr/bin/env bash
# Starts, stops and reports the bundled demo system:
#   chaos-demo-db    on 127.0.0.1:15433  (the "database")
#   chaos-demo-shop  on 127.0.0.1:18080  (reaches the db at 127.0.0.1:15432, where the chaos
#                                          proxy listens in front of the db during experiments)
#   chaos-demo-shoppers                    (background users: 6 shoppers checking out in a loop)
#
# usage: demo.sh start|stop|status [STATE_DIR]
#   STATE_DIR holds pid files and logs (default <repo>/build/demo).
# environment:
#   CHAOS_BIN_DIR          where the binaries are (default <repo>/build/bin)
#   CHAOS_DEMO_SHOP_DB     the address the shop uses for the db (default 127.0.0.1:15432;
#                          set 127.0.0.1:15433 to run without the proxy)
#   CHAOS_DEMO_DB_FLAGS    extra flags for the db, e.g. "--work 300ms"
#   CHAOS_DEMO_SHOP_FLAGS  extra flags for the shop, e.g. "--pool-size 8"
#   CHAOS_DEMO_SHOPPERS_FLAGS  flags for the shoppers, e.g. "--shoppers 0" is refused; use
#                          "--shoppers 2 --think 200ms" for a quieter shop
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="${CHAOS_BIN_DIR:-$repo/build/bin}"
state_dir="${2:-$repo/build/demo}"

db_listen="127.0.0.1:15433"
shop_listen="127.0.0.1:18080"
shop_db="${CHAOS_DEMO_SHOP_DB:-127.0.0.1:15432}"
ready_timeout_s=10

die() { echo "demo: $*" >&2; exit 1; }

# The pid in <name>.pid if that process is alive and still our binary (a stale pid file
# must never make us signal an unrelated process that reused the pid).
running_pid() {
  local name="$1" pid
  [[ -f "$state_dir/$name.pid" ]] || return 1
  pid="$(cat "$state_dir/$name.pid")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "chaos-demo-$name" || return 1
  echo "$pid"
}

# Polls a command every 0.1 s until it succeeds or the deadline passes.
wait_for() {
  local deadline=$((SECONDS + ready_timeout_s))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

db_ready() { [[ -s "$state_dir/db.port" ]] && running_pid db > /dev/null; }
shoppers_ready() { running_pid shoppers > /dev/null; }
shop_ready() {
  curl -fsS --noproxy '*' --max-time 1 "http://$shop_listen/health" > /dev/null 2>&1
}
alive() { kill -0 "$1" 2>/dev/null && [[ "$(ps -o stat= -p "$1" 2>/dev/null)" != Z* ]]; }
ready_or_exited() { "$1" || ! alive "$2"; }

# start_one NAME READY_CHECK FLAGS...
start_one() {
  local name="$1" ready="$2"; shift 2
  local exe="$bin_dir/chaos-demo-$name" log="$state_dir/$name.log" pid
  if pid="$(running_pid "$name")"; then
    echo "demo: chaos-demo-$name already running (pid $pid)"
    return 0
  fi
  [[ -x "$exe" ]] || die "$exe not found; build it (ninja -C build chaos-demo-$name) or set CHAOS_BIN_DIR"
  rm -f "$state_dir/$name.port"
  # setsid: the service outlives this script and a Ctrl-C in the terminal that ran it.
  local port_flags=()
  [[ "$name" == shoppers ]] || port_flags=(--port-file "$state_dir/$name.port")  # servers only
  setsid "$exe" "$@" "${port_flags[@]}" < /dev/null >> "$log" 2>&1 &
  pid=$!
  echo "$pid" > "$state_dir/$name.pid"
  # Ready, exited, or out of time: an exit (e.g. port in use) is reported at once.
  if ! wait_for ready_or_exited "$ready" "$pid" || ! alive "$pid"; then
    local why="did not become ready within ${ready_timeout_s}s"
    if alive "$pid"; then kill "$pid" 2>/dev/null || true; else why="exited during start-up"; fi
    rm -f "$state_dir/$name.pid"
    echo "demo: chaos-demo-$name $why; last log lines ($log):" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  echo "demo: started chaos-demo-$name (pid $pid, log $log)"
}

stop_one() {
  local name="$1" pid
  if ! pid="$(running_pid "$name")"; then
    echo "demo: chaos-demo-$name not running"
    rm -f "$state_dir/$name.pid"
    return 0
  fi
  kill -TERM "$pid"
  if ! ready_timeout_s=5 wait_for bash -c "! kill -0 $pid 2>/dev/null"; then
    echo "demo: chaos-demo-$name (pid $pid) ignored SIGTERM for 5s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$state_dir/$name.pid" "$state_dir/$name.port"
  echo "demo: stopped chaos-demo-$name (pid $pid)"
}

print_where() {
  cat <<INFO
demo system:
  db    chaos-demo-db    $db_listen   (line protocol: "PRICE sku-1")
  shop  chaos-demo-shop  http://$shop_listen   (GET /checkout, /health, /metrics)
        the shop reaches the db at $shop_db
  shoppers chaos-demo-shoppers  background users checking out in a loop
INFO
  if [[ "$shop_db" != "$db_listen" ]]; then
    echo "        checkout answers 502 until something forwards $shop_db -> $db_listen (the chaos proxy)"
  fi
  echo "  state (pids, logs): $state_dir"
}

cmd_start() {
  mkdir -p "$state_dir"
  # shellcheck disable=SC2086 # the extra flags are meant to split into words
  start_one db db_ready --listen "$db_listen" ${CHAOS_DEMO_DB_FLAGS:-}
  # shellcheck disable=SC2086
  start_one shop shop_ready --listen "$shop_listen" --db "$shop_db" ${CHAOS_DEMO_SHOP_FLAGS:-}
  # shellcheck disable=SC2086
  start_one shoppers shoppers_ready --target "http://$shop_listen/checkout" ${CHAOS_DEMO_SHOPPERS_FLAGS:-}
  print_where
}

cmd_stop() {
  stop_one shoppers
  stop_one shop  # before the db, so it does not log a burst of db errors on the way down
  stop_one db
}

cmd_status() {
  local rc=0 pid
  for name in db shop shoppers; do
    if pid="$(running_pid "$name")"; then
      echo "chaos-demo-$name: running (pid $pid)"
    else
      echo "chaos-demo-$name: stopped"
      rc=3
    fi
  done
  if running_pid shop > /dev/null; then
    if shop_ready; then echo "shop /health: ok"; else echo "shop /health: not answering"; rc=1; fi
  fi
  print_where
  return $rc
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status [STATE_DIR]" >&2; exit 2 ;;
esac
