#include "cli/options.h"

#include <cstdlib>

namespace chaos::cli {

const char* usage_text() {
  return R"(chaosctl — run chaos experiments written in Lua, and keep their results.

usage: chaosctl [options] COMMAND [ARGS]

commands:
  run [--proxy-api URL] FILE
                  run an experiment: check the steady state, inject the faults, roll them
                  back, check recovery; the exit code is the verdict (see below). A fault
                  on a proxy the experiment does not declare attaches to the standing proxy
                  of that name at URL (chaosctl proxy; default http://127.0.0.1:8474, or
                  CHAOS_PROXY_API; "none": never), on a lease it renews while it runs
  validate FILE   check an experiment without touching anything (syntax, API use, fault kinds,
                  parameters against each kind's schema)
  plugins         list the loaded plugins, their fault kinds and each kind's parameters
  plugin check PATH.so
                  load a plugin library and check that every fault kind it declares keeps
                  the plugin contract (sdk/README.md); prints a pass/fail table, exit 1 on
                  any failure. --params KIND=JSON gives parameters a kind needs (e.g. a
                  target; repeatable), --timeout DURATION caps each kind (default 20s)
  runs            list past runs, newest first
  show RUN        print one run: its timeline of events, probe results and verdict
  recover         undo faults a killed chaosctl left injected: lists the faults pending
                  recovery (their plugin was not loaded when a later start reconciled the
                  run) and retries each whose kind is loaded (give --plugin-dir); exit 1
                  while any is still pending
  serve [--listen HOST:PORT] [--token TOKEN] [--allow-host NAME]...
        [--schedule "[TZ=ZONE] CRON FILE [OPTION=VALUE]..."]... [--blackout WINDOW]...
        [--max-run DURATION] [--schedule-file FILE]... [--experiments DIR|FILE]... [FILE...]
                  the web UI and JSON API (/api/v1) on 127.0.0.1:8080 by default: runs,
                  charts, a live view, start and halt (see web/README.md). Starting,
                  aborting and halting need the bearer token, by default generated into
                  DB.token (mode 0600); or --token / CHAOS_TOKEN. Requests must name the
                  server as localhost, a loopback address or the --listen host; add other
                  names it is reached by with --allow-host. Experiments default to
                  ./experiments. --schedule "0 14 * * wed experiments/x.lua" runs x.lua
                  every Wednesday at 14:00 UTC (cron: minute hour day month weekday, or
                  with a leading second; "TZ=Europe/Berlin 0 14 * * wed ..." for 14:00 in
                  Berlin); checked at start, skipped while it still runs. After the file:
                  max-run=DURATION, notify=URL (a webhook told of each start and verdict).
                  --blackout "Fri 16:00-Mon 08:00 Europe/Berlin" (or "22:00-06:00", or
                  "2026-12-24 00:00-2026-12-27 00:00 ZONE"): no run starts inside it, nor
                  one that may last (--max-run) into it. --schedule-file FILE: the same
                  settings, one per line ("schedule ...", "blackout ...", "max-run ...").
                  See "Scheduled runs" in README.md. --proxies FILE (and/or --api-listen
                  HOST:PORT) also keeps standing proxies, as `proxy` does
  proxy [--config FILE] [--api-listen HOST:PORT] [--token TOKEN]
                  standing proxies only: keeps the proxies in FILE ({"proxies": [{"name":
                  "db", "listen": "127.0.0.1:15432", "upstream": "db.internal:5432"}]})
                  up as passthroughs until SIGINT/SIGTERM, with a Toxiproxy-compatible API
                  on 127.0.0.1:8474; experiments attach with proxy = "db". On loopback the
                  API needs no token (Toxiproxy clients send none); elsewhere changes need
                  it. See "Point chaosctl at your own service" in README.md

options:
  --db PATH          the SQLite store (default: chaos.db in the working directory)
  --plugin-dir DIR   also load plugins from DIR (repeatable); built-in plugins are always
                     loaded from the 'plugins' directory next to chaosctl
  --json             machine-readable output (runs, show, recover, plugins, plugin check,
                     validate)
  --limit N          how many runs `runs` lists (default 50)
  --no-color         plain output even on a terminal
  -h, --help         this help

exit codes of `run`: 0 passed, 1 deviated (the hypothesis failed), 2 not_steady (the baseline
failed; nothing was injected), 3 aborted (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT; every fault rolled
back), 4 errored (bad experiment, Lua error, plugin failure). Other commands: 0 success, 1 failure (e.g. invalid experiment).
64: bad command line.
)";
}

Result<Options> parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> Result<std::string> {
      if (i + 1 >= argc) return Status::invalid_argument(std::string(name) + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "-h" || arg == "--help") {
      o.help = true;
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--no-color") {
      o.no_color = true;
    } else if (arg == "--db") {
      auto v = value("--db");
      if (!v) return v.status();
      o.db_path = v.value();
    } else if (arg == "--plugin-dir") {
      auto v = value("--plugin-dir");
      if (!v) return v.status();
      o.plugin_dirs.push_back(v.value());
    } else if (arg == "--params" || arg == "--timeout" || arg == "--listen" || arg == "--token" ||
               arg == "--experiments" || arg == "--allow-host" || arg == "--schedule" ||
               arg == "--blackout" || arg == "--max-run" || arg == "--schedule-file" ||
               arg == "--config" || arg == "--api-listen" || arg == "--proxies" ||
               arg == "--proxy-api") {
      // Options of `plugin check` and `serve`, handed to them in order with their values.
      auto v = value(arg.c_str());
      if (!v) return v.status();
      positional.push_back(arg);
      positional.push_back(v.value());
    } else if (arg == "--limit") {
      auto v = value("--limit");
      if (!v) return v.status();
      char* end = nullptr;
      long n = std::strtol(v.value().c_str(), &end, 10);
      if (*end || n < 1) return Status::invalid_argument("--limit needs a positive number");
      o.limit = static_cast<int>(n);
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Status::invalid_argument("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (!positional.empty()) {
    o.command = positional.front();
    o.args.assign(positional.begin() + 1, positional.end());
  }
  return o;
}

}  // namespace chaos::cli
