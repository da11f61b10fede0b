#pragma once
// The chaosctl command line, parsed (with CLI11, in options.cpp) into one Options value: the
// command, the options every command shares, and each command's own flags.

#include <optional>
#include <string>
#include <vector>

namespace chaos::cli {

inline constexpr int kExitUsage = 64;

// `run` and `validate`.
struct RunFlags {
  std::optional<std::string> proxy_api;  // --proxy-api URL ("none": never ask)
  std::vector<std::string> notify;       // run --notify URL... (webhooks told of the verdict)
  // --allow-target RULE... (run and serve): CIDRs and host names; none: loopback only.
  std::vector<std::string> allow_targets;
};

// `report RUN` (format, output) and `run FILE` (the report files written after the run).
struct ReportFlags {
  std::string format = "json";  // report --format json|junit|html
  std::string output;           // report -o FILE; "" : stdout
  std::string json_path;        // run --report FILE
  std::string junit_path;       // run --junit FILE
  std::string html_path;        // run --html FILE
};

// `plugin check PATH.so`.
struct CheckFlags {
  std::string path;
  std::vector<std::string> params;  // --params KIND=JSON, as given
  std::string timeout;              // --timeout DURATION, "" when not given
};

// `serve` (the scheduling flags are checked in serve_schedules.cpp).
struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> allow_hosts;
  std::vector<std::string> experiments;  // --experiments and bare FILE arguments
  std::vector<std::string> schedules;
  std::vector<std::string> blackouts;
  std::vector<std::string> schedule_files;
  std::string max_run;
  std::optional<std::string> proxies_config;  // --proxies FILE
  std::optional<std::string> api_listen;      // --api-listen HOST:PORT (serve and proxy)
};

// `proxy`.
struct ProxyFlags {
  std::optional<std::string> config;  // --config FILE
};

struct Options {
  std::string command;  // run, validate, plugins, plugin, runs, show, report, serve, proxy
  std::vector<std::string> args;  // the command's positional arguments (FILE, RUN)
  // Shared by every command; given before or after the command name.
  std::string db_path = "chaos.db";      // --db, else CHAOS_DB
  std::vector<std::string> plugin_dirs;  // --plugin-dir..., then CHAOS_PLUGIN_PATH (a:b)
  bool json = false;
  bool no_color = false;  // --no-color, NO_COLOR set, or TERM=dumb
  int limit = 50;
  std::string token;  // --token, else CHAOS_TOKEN ("" : serve/proxy keep DB.token)
  RunFlags run;
  ReportFlags report;
  CheckFlags check;
  ServeFlags serve;
  ProxyFlags proxy;
};

// What the command line asks for: a command to run, or text to print and an exit code (help,
// --version, a usage error). A usage error names the command and the flag that is wrong.
struct CommandLine {
  std::optional<Options> options;
  int exit_code = 0;
  std::string out;  // for stdout
  std::string err;  // for stderr
};

// `env` reads the environment (getenv in chaosctl; tests pass their own).
CommandLine parse_command_line(int argc, const char* const* argv,
                               const char* (*env)(const char*) = nullptr);

// "0.1.0 (v0.1.0-12-gabcdef)": the CMake project version, and git describe when it was known.
const char* version_text();

}  // namespace chaos::cli
