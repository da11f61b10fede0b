#include "cli/cli.h"

#include <boost/json.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "common/utf8.h"

namespace chaos::cli {

namespace {
// Set once in run_cli, before any command runs: with --json, errors are JSON on stdout too.
bool json_errors = false;

void print_json_error(const std::string& message, int code) {
  boost::json::object error{{"error", message}, {"exit_code", code}};
  std::printf("%s\n", valid_utf8(boost::json::serialize(error)).c_str());
  std::fflush(stdout);
}
}  // namespace

int complain(const std::string& message, int code) {
  if (json_errors) print_json_error(message, code);
  std::fprintf(stderr, "chaosctl: %s\n", message.c_str());
  return code;
}

Result<plugin_host::PluginRegistry> load_plugins(const Options& options) {
  plugin_host::PluginRegistry registry;
  std::vector<std::string> dirs{plugin_host::builtin_plugin_dir()};
  dirs.insert(dirs.end(), options.plugin_dirs.begin(), options.plugin_dirs.end());
  if (Status st = registry.load_directories(dirs); !st) return st;
  return registry;
}

int run_cli(int argc, char** argv) {
  const CommandLine line = parse_command_line(argc, argv);
  if (!line.options) {
    if (line.exit_code != 0 && !line.out.empty()) {
      // A usage error under --json: the same message, as JSON, and on stderr for people.
      print_json_error(line.out, line.exit_code);
      std::fprintf(stderr, "chaosctl: %s\n", line.out.c_str());
      return line.exit_code;
    }
    std::fputs(line.out.c_str(), stdout);
    if (!line.err.empty()) {
      const bool text = line.err.find('\n') != std::string::npos;  // the help, as is
      std::fprintf(stderr, text ? "%s" : "chaosctl: %s\n", line.err.c_str());
    }
    return line.exit_code;
  }
  const Options& o = *line.options;
  json_errors = o.json;
  if (o.command == "run") return cmd_run(o);
  if (o.command == "validate") return cmd_validate(o);
  if (o.command == "plugins") return cmd_plugins(o);
  if (o.command == "runs") return cmd_runs(o);
  if (o.command == "show") return cmd_show(o);
  if (o.command == "report") return cmd_report(o);
  if (o.command == "recover") return cmd_recover(o);
  if (o.command == "plugin") return cmd_plugin(o);
  if (o.command == "serve") return cmd_serve(o);
  if (o.command == "proxy") return cmd_proxy(o);
  return complain("unknown command '" + o.command + "' (see chaosctl --help)", kExitUsage);
}

}  // namespace chaos::cli
