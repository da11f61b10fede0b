// chaosctl run FILE
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "cli/terminal_observer.h"
#include "engine/reconcile.h"
#include "engine/run.h"

namespace chaos::cli {

namespace {

// Turns each stop signal into an abort of the run (cli/stop_signals.h): the first rolls back
// every fault; a second one cuts the experiment's rollbacks function short.
class AbortOnSignal {
 public:
  explicit AbortOnSignal(engine::Run& run)
      : watcher_([this, &run](int sig) {
          const char* name = stop_signal_name(sig);
          if (++received_ == 1) {
            std::fprintf(stderr, "\nchaosctl: %s received: rolling back every fault...\n", name);
          } else {
            std::fprintf(stderr,
                         "\nchaosctl: %s received again: cutting the rollbacks function short\n",
                         name);
          }
          run.request_abort(stop_signal_reason(sig));
        }) {}

 private:
  std::atomic<int> received_{0};
  StopSignalWatcher watcher_;  // last: stopped before received_ goes
};

}  // namespace

int cmd_run(const Options& options) {
  // Another process's standing proxies: --proxy-api URL, or CHAOS_PROXY_API, or the default
  // (chaosctl proxy's), asked only for a proxy the experiment does not declare; "none": never.
  std::string proxy_api = "http://127.0.0.1:8474";
  if (const char* env = std::getenv("CHAOS_PROXY_API")) proxy_api = env;
  if (options.run.proxy_api) proxy_api = *options.run.proxy_api;
  if (proxy_api == "none") proxy_api.clear();
  const std::vector<std::string>& files = options.args;  // exactly one (options.cpp)
  const int kErrored = engine::exit_code(engine::Verdict::kErrored);
  if (Status st = check_report_paths(options); !st) return complain(st.message(), kExitUsage);
  if (Status st = check_notify_urls(options); !st) return complain(st.message(), kExitUsage);
  auto targets = TargetAllowlist::parse(options.run.allow_targets);
  if (!targets) return complain("run: " + targets.status().message(), kExitUsage);
  block_stop_signals();
  const std::string& path = files.front();
  auto source = read_text_file(path);
  if (!source) return complain(source.status().message(), kErrored);
  auto registry = load_plugins(options);
  if (!registry) return complain(registry.status().message(), kErrored);
  auto store = store::Store::open(options.db_path);
  if (!store) return complain(store.status().message(), kErrored);

  SystemClock clock;
  engine::reconcile_interrupted_runs(
      *store.value(), registry.value(), clock,
      [](const std::string& line) { std::fprintf(stderr, "chaosctl: %s\n", line.c_str()); });

  TerminalObserver observer(stdout, !options.no_color && isatty(fileno(stdout)));
  engine::RunConfig config;
  config.path = path;
  config.source = std::move(source.value());
  config.proxy_api = proxy_api;
  config.targets = targets.value();
  if (const char* token = std::getenv("CHAOS_PROXY_TOKEN")) config.proxy_api_token = token;
  engine::Run run(std::move(config), registry.value(), *store.value(), clock, observer);
  AbortOnSignal abort_on_signal(run);
  const engine::RunOutcome outcome = run.execute();
  // A report that cannot be written is said, but the exit code stays the verdict's.
  if (outcome.run_id == 0) {
    if (wants_reports(options)) complain("no run was stored, so no report", kErrored);
  } else if (Status st = write_run_reports(options, *store.value(), outcome.run_id); !st) {
    complain("the run's report: " + st.message(), kErrored);
  }
  notify_webhooks(options, *store.value(), path, outcome);
  return engine::exit_code(outcome.verdict);
}

}  // namespace chaos::cli
