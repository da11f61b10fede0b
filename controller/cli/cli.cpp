#include "cli/cli.h"

#include <cstdio>

#include "cli/commands.h"

namespace chaos::cli {

int complain(const std::string& message, int code) {
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
  auto options = parse_options(argc, argv);
  if (!options) {
    return complain(options.status().message() + " (see chaosctl --help)", kExitUsage);
  }
  const Options& o = options.value();
  if (o.help || o.command.empty() || o.command == "help") {
    std::fputs(usage_text(), o.command.empty() && !o.help ? stderr : stdout);
    return o.command.empty() && !o.help ? kExitUsage : 0;
  }
  if (o.command == "run") return cmd_run(o);
  if (o.command == "validate") return cmd_validate(o);
  if (o.command == "plugins") return cmd_plugins(o);
  if (o.command == "runs") return cmd_runs(o);
  if (o.command == "show") return cmd_show(o);
  if (o.command == "recover") return cmd_recover(o);
  if (o.command == "plugin") return cmd_plugin(o);
  if (o.command == "serve") return cmd_serve(o);
  if (o.command == "proxy") return cmd_proxy(o);
  return complain("unknown command '" + o.command +
                      "' (commands: run, validate, plugins, plugin check, runs, show, recover, serve, proxy; see "
                      "chaosctl --help)",
                  kExitUsage);
}

}  // namespace chaos::cli
