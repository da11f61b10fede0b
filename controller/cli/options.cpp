#include "cli/options.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <sstream>

#include "cli/version.h"

namespace chaos::cli {

namespace {

constexpr const char* kExitCodes =
    R"(exit codes of `run`: 0 passed, 1 deviated (the hypothesis failed), 2 not_steady (the
baseline failed; nothing was injected), 3 aborted (Ctrl-C, SIGTERM, SIGHUP, SIGQUIT; every fault
rolled back), 4 errored (bad experiment, Lua error, plugin failure). Other commands: 0 success, 1 failure. 64: bad command line.
Environment: CHAOS_DB (--db), CHAOS_PLUGIN_PATH (more plugin directories, DIR:DIR),
CHAOS_TOKEN (--token), CHAOS_PROXY_API (--proxy-api), NO_COLOR or TERM=dumb (--no-color).
`chaosctl help COMMAND` or `chaosctl COMMAND --help` describes one command.)";

constexpr const char* kServeFooter = R"(
Starting, aborting and halting need the bearer token, by default generated into DB.token
(mode 0600); or --token / CHAOS_TOKEN. Requests must name the server as localhost, a loopback
address or the --listen host; add other names with --allow-host. Experiments default to
./experiments. --schedule "0 14 * * wed experiments/x.lua" runs x.lua every Wednesday at 14:00
UTC (cron: minute hour day month weekday, or with a leading second; "TZ=Europe/Berlin 0 14 * *
wed ..." for Berlin time). After the file: max-run=DURATION, notify=URL. --blackout "Fri
16:00-Mon 08:00 Europe/Berlin" (or "22:00-06:00", or "2026-12-24 00:00-2026-12-27 00:00 ZONE"):
no run starts inside it, nor one that may last (--max-run) into it. --schedule-file FILE: the
same settings, one per line. See "Scheduled runs" in README.md.)";

// The options every command takes, before or after its name (bound to the same fields).
void add_shared(CLI::App& app, Options& o, bool& color_off) {
  app.add_option("--db", o.db_path, "the SQLite store (default: chaos.db; env CHAOS_DB)");
  app.add_option("--plugin-dir", o.plugin_dirs,
                 "also load plugins from DIR (repeatable; env CHAOS_PLUGIN_PATH)")
      ->type_name("DIR")
      ->allow_extra_args(false);
  app.add_flag("--json", o.json, "machine-readable output, errors included");
  app.add_flag("--no-color", color_off, "plain output even on a terminal");
}

void add_proxy_api(CLI::App& app, Options& o) {
  app.add_option("--proxy-api", o.run.proxy_api,
                 "where standing proxies live (default http://127.0.0.1:8474 or "
                 "CHAOS_PROXY_API; \"none\": never ask)")
      ->type_name("URL");
}

void add_allow_target(CLI::App& app, Options& o) {
  app.add_option("--allow-target", o.run.allow_targets,
                 "where floods, held connections and probes may go: a CIDR (10.20.0.0/16, "
                 "fd00::/8), an address or a host name (*.staging.internal for every name "
                 "below it); repeatable. Replaces the default, loopback only")
      ->type_name("RULE")
      ->allow_extra_args(false);
}

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

// "run: unknown option --bogus" rather than CLI11's "The following argument was not expected",
// named for the command it was given to (before the command's name: chaosctl's own).
std::string usage_message(const CLI::App& app, const CLI::ParseError& e) {
  std::vector<const CLI::App*> chain{&app};
  while (!chain.back()->get_subcommands().empty()) {
    chain.push_back(chain.back()->get_subcommands().front());
  }
  const CLI::App* owner = chain.back();
  // CLI11 keeps an unknown flag aside and parses on, so the error it raises may be a later one:
  // `run --bogus 1 x.lua` hands "1" and "x.lua" to FILE and fails on the count. A flag set
  // aside is the real mistake, whatever CLI11 threw; other leftovers only for an ExtrasError.
  std::vector<std::string> extras;
  for (auto it = chain.rbegin(); it != chain.rend() && extras.empty(); ++it) {
    for (const std::string& left : (*it)->remaining()) {
      if (left.size() > 1 && left[0] == '-') {
        extras = {left};
        owner = *it;
        break;
      }
    }
  }
  if (extras.empty() && dynamic_cast<const CLI::ExtrasError*>(&e)) {
    for (auto it = chain.rbegin(); it != chain.rend() && extras.empty(); ++it) {
      extras = (*it)->remaining();
      if (!extras.empty()) owner = *it;
    }
  }
  std::string where;
  for (const CLI::App* a : chain) {
    if (a == &app) continue;
    where += (where.empty() ? "" : " ") + a->get_name();
    if (a == owner) break;
  }
  if (owner == &app) where.clear();
  const std::string see = where.empty() ? "chaosctl --help" : "chaosctl help " + where;
  std::string what = e.what();
  if (!extras.empty()) {
    const bool flag = extras.front().size() > 1 && extras.front()[0] == '-';
    if (flag) {
      what = "unknown option " + extras.front();
    } else if (owner == &app) {
      what = "unknown command '" + extras.front() + "'";
    } else {
      what = "unexpected argument '" + joined(extras) + "'";
    }
  }
  return (where.empty() ? "" : where + ": ") + what + " (see " + see + ")";
}

// `chaosctl help [COMMAND...]`, found before CLI11 parses (it would take "help run" for two
// commands). Returns the words after "help", or nothing when the command is not help.
std::optional<std::vector<std::string>> help_topic_of(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--db" || arg == "--plugin-dir" || arg == "--limit") {
      ++i;
    } else if (arg.empty() || arg[0] != '-') {
      if (arg != "help") return std::nullopt;
      std::vector<std::string> topic;
      for (int j = i + 1; j < argc; ++j) {
        if (argv[j][0] != '-') topic.emplace_back(argv[j]);
      }
      return topic;
    }
  }
  return std::nullopt;
}

const char* system_env(const char* name) { return std::getenv(name); }

}  // namespace

const char* version_text() { return kChaosctlVersion; }

CommandLine parse_command_line(int argc, const char* const* argv, const char* (*env)(const char*)) {
  if (env == nullptr) env = system_env;
  Options o;
  if (const char* db = env("CHAOS_DB"); db && *db) o.db_path = db;
  bool color_off = false;
  std::optional<std::string> token;

  CLI::App app{"chaosctl — run chaos experiments written in Lua, and keep their results.",
               "chaosctl"};
  app.footer(kExitCodes);
  app.set_version_flag("--version", std::string("chaosctl ") + version_text());
  add_shared(app, o, color_off);
  app.add_option("--limit", o.limit, "how many runs `runs` lists (default 50)")
      ->check(CLI::Range(1, 1000000));

  auto* run = app.add_subcommand(
      "run",
      "run an experiment: check the steady state, inject the faults, roll them back, check "
      "recovery; the exit code is the verdict");
  add_shared(*run, o, color_off);
  add_proxy_api(*run, o);
  add_allow_target(*run, o);
  run->add_option("FILE", o.args, "the experiment (Lua)")->required()->expected(1);
  run->add_option("--report", o.report.json_path,
                  "also write the run's JSON report (schema chaosctl.report/1) to FILE")
      ->type_name("FILE");
  run->add_option("--junit", o.report.junit_path,
                  "also write a JUnit XML report (a test case per check) to FILE")
      ->type_name("FILE");
  run->add_option("--html", o.report.html_path,
                  "also write a self-contained HTML report (charts, checks, faults) to FILE")
      ->type_name("FILE");
  run->add_option("--notify", o.run.notify,
                  "when the run ends, POST its JSON report, with a Slack-compatible \"text\", to "
                  "URL (repeatable)")
      ->type_name("URL")
      ->allow_extra_args(false);

  auto* validate = app.add_subcommand(
      "validate",
      "check an experiment without touching anything (syntax, API use, fault kinds, parameters "
      "against each kind's schema)");
  add_shared(*validate, o, color_off);
  add_proxy_api(*validate, o);
  add_allow_target(*validate, o);
  validate->add_option("FILE", o.args, "the experiment (Lua)")->required()->expected(1);

  auto* plugins = app.add_subcommand(
      "plugins", "list the loaded plugins, their fault kinds and each kind's parameters");
  add_shared(*plugins, o, color_off);

  auto* plugin = app.add_subcommand("plugin", "plugin tools: `plugin check PATH.so`");
  add_shared(*plugin, o, color_off);
  plugin->require_subcommand(1);
  auto* check = plugin->add_subcommand(
      "check",
      "load a plugin library and check that every fault kind it declares keeps the plugin "
      "contract (sdk/README.md); exit 1 on any failure");
  add_shared(*check, o, color_off);
  check->add_option("PATH.so", o.check.path, "the plugin library")->required();
  check
      ->add_option("--params", o.check.params,
                   "parameters a kind needs, e.g. latency={\"listen\":...} (repeatable)")
      ->type_name("KIND=JSON")
      ->allow_extra_args(false);
  check->add_option("--timeout", o.check.timeout, "cap on each kind (default 20s)")
      ->type_name("DURATION");

  auto* runs = app.add_subcommand("runs", "list past runs, newest first");
  add_shared(*runs, o, color_off);
  runs->add_option("--limit", o.limit, "how many runs to list (default 50)")
      ->check(CLI::Range(1, 1000000));

  auto* show = app.add_subcommand(
      "show", "print one run: its timeline of events, probe results, verdict, faults' status");
  add_shared(*show, o, color_off);
  show->add_option("RUN", o.args, "the run id (see chaosctl runs)")->required()->expected(1);

  auto* report = app.add_subcommand(
      "report",
      "write one run's report: JSON (schema chaosctl.report/1, as show --json), JUnit XML or "
      "a self-contained HTML page with charts");
  add_shared(*report, o, color_off);
  report->add_option("RUN", o.args, "the run id (see chaosctl runs)")->required()->expected(1);
  report->add_option("--format", o.report.format, "json (default), junit or html")
      ->check(CLI::IsMember({"json", "junit", "html"}));
  report->add_option("-o,--output", o.report.output, "write to FILE instead of stdout")
      ->type_name("FILE");

  auto* recover = app.add_subcommand(
      "recover",
      "undo faults a killed chaosctl left injected: retries each fault pending recovery whose "
      "kind is loaded (give --plugin-dir); exit 1 while any is still pending");
  add_shared(*recover, o, color_off);

  auto* serve = app.add_subcommand(
      "serve", "the web UI, JSON API (/api/v1), live view and cron schedules, on 127.0.0.1:8080");
  serve->footer(kServeFooter);
  add_shared(*serve, o, color_off);
  serve->add_option("--listen", o.serve.listen, "HOST:PORT to serve on (default 127.0.0.1:8080)");
  serve->add_option("--token", token, "the bearer token for changes (env CHAOS_TOKEN)");
  serve->add_option("--allow-host", o.serve.allow_hosts, "another name the server is reached by")
      ->allow_extra_args(false);
  add_allow_target(*serve, o);
  serve->add_option("--experiments", o.serve.experiments, "experiments offered (DIR or FILE)")
      ->allow_extra_args(false);
  serve->add_option("--schedule", o.serve.schedules, "\"[TZ=ZONE] CRON FILE [OPTION=VALUE]...\"")
      ->allow_extra_args(false);
  serve->add_option("--blackout", o.serve.blackouts, "a window in which no run starts")
      ->allow_extra_args(false);
  serve->add_option("--max-run", o.serve.max_run, "how long a scheduled run may last")
      ->type_name("DURATION");
  serve
      ->add_option("--schedule-file", o.serve.schedule_files,
                   "schedules and blackouts, a line each")
      ->allow_extra_args(false);
  serve->add_option("--proxies", o.serve.proxies_config, "also keep the standing proxies in FILE");
  serve->add_option("--api-listen", o.serve.api_listen,
                    "also serve the Toxiproxy-compatible API on HOST:PORT");
  std::vector<std::string> serve_files;
  serve->add_option("FILE", serve_files, "experiments offered, like --experiments");

  auto* proxy = app.add_subcommand(
      "proxy",
      "standing proxies only: keeps the proxies in FILE up as passthroughs until SIGINT/SIGTERM, "
      "with a Toxiproxy-compatible API on 127.0.0.1:8474");
  add_shared(*proxy, o, color_off);
  proxy->add_option("--config", o.proxy.config,
                    "{\"proxies\": [{\"name\": .., \"listen\": .., \"upstream\": ..}]}");
  proxy->add_option("--api-listen", o.serve.api_listen,
                    "HOST:PORT of the API (default 127.0.0.1:8474)");
  proxy->add_option("--token", token,
                    "the bearer token for changes off loopback (env CHAOS_TOKEN)");

  // Listed in the help; `help` itself is handled before parsing (help_topic_of).
  app.add_subcommand("help", "describe chaosctl, or one command: chaosctl help run");

  CommandLine result;
  if (auto help_topic = help_topic_of(argc, argv)) {
    const CLI::App* topic = &app;
    for (const auto& name : *help_topic) {
      const CLI::App* next = nullptr;
      try {
        next = topic->get_subcommand(name);
      } catch (const CLI::OptionNotFound&) {
      }
      if (next == nullptr) {
        result.exit_code = kExitUsage;
        result.err = "help: no command '" + joined(*help_topic) + "' (see chaosctl --help)";
        return result;
      }
      topic = next;
    }
    const std::string prefix =
        help_topic->size() > 1 ? "chaosctl " + help_topic->front() : std::string("chaosctl");
    result.out = topic == &app ? app.help() : topic->help(prefix);
    return result;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    result.out = app.help();
    return result;
  } catch (const CLI::CallForVersion&) {
    result.out = std::string("chaosctl ") + version_text() + "\n";
    return result;
  } catch (const CLI::ParseError& e) {
    result.exit_code = kExitUsage;
    result.err = usage_message(app, e);
    if (o.json) {
      result.out = result.err;  // cli.cpp prints it as a JSON error
      result.err.clear();
    }
    return result;
  }

  const auto selected = app.get_subcommands();
  if (selected.empty()) {
    result.exit_code = kExitUsage;
    result.err = app.help();
    return result;
  }
  o.command = selected.front()->get_name();
  o.serve.experiments.insert(o.serve.experiments.end(), serve_files.begin(), serve_files.end());
  if (const char* path = env("CHAOS_PLUGIN_PATH"); path && *path) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (!dir.empty()) o.plugin_dirs.push_back(dir);
    }
  }
  if (token) {
    o.token = *token;
  } else if (const char* t = env("CHAOS_TOKEN")) {
    o.token = t;
  }
  const char* no_color = env("NO_COLOR");
  const char* term = env("TERM");
  o.no_color = color_off || (no_color && *no_color) || (term && std::string(term) == "dumb");
  result.options = std::move(o);
  return result;
}

}  // namespace chaos::cli
