#pragma once
// One function per chaosctl command, and what they share. Each returns the exit code.

#include <cstdint>
#include <optional>
#include <string>

#include "cli/options.h"
#include "common/status.h"
#include "common/text_file.h"
#include "engine/verdict.h"
#include "plugin_host/plugin_registry.h"
#include "store/store.h"

namespace chaos::cli {

int cmd_run(const Options& options);
int cmd_validate(const Options& options);
int cmd_plugins(const Options& options);
int cmd_runs(const Options& options);
int cmd_show(const Options& options);
// `report RUN`, and the report files `run --report` writes (cmd_report.cpp).
int cmd_report(const Options& options);
// InvalidArgument naming the flag when a report file given to `run` cannot be written there.
Status check_report_paths(const Options& options);
bool wants_reports(const Options& options);  // run --report, --junit or --html
Status write_run_reports(const Options& options, store::Store& store, int64_t run_id);
// run --notify URL: InvalidArgument naming the flag and the URL when one is not http(s).
Status check_notify_urls(const Options& options);
// Posts the run's JSON report, with a Slack-compatible "text", to every --notify URL, and says
// on stderr which could not be told (run_notify.cpp). Without a stored run (run_id 0) the
// document is only the verdict and reason.
void notify_webhooks(const Options& options, store::Store& store, const std::string& path,
                     const engine::RunOutcome& outcome);
// The store for runs, show and report, opened read-only (store::Store::open_for_reading);
// prints its note, if any, on stderr (cmd_history.cpp).
Result<std::unique_ptr<store::Store>> open_store_for_reading(const Options& options);
// The RUN argument of show and report; nullopt (after complaining) when it is not a run id.
std::optional<int64_t> run_id_argument(const Options& options, const char* command);
// `recover`: retry the faults pending recovery (cmd_recover.cpp).
int cmd_recover(const Options& options);
// `plugin check PATH.so`: the conformance checks (cmd_plugin_check.cpp).
int cmd_plugin(const Options& options);
// `serve`: the web UI, JSON API and live view (cmd_serve.cpp, controller/server/).
int cmd_serve(const Options& options);
// `proxy`: standing proxies and the Toxiproxy-compatible API only (cmd_proxy.cpp).
int cmd_proxy(const Options& options);

// Built-in plugins plus every --plugin-dir.
Result<plugin_host::PluginRegistry> load_plugins(const Options& options);
// Prints "chaosctl: message" to stderr and returns `code`.
int complain(const std::string& message, int code);

}  // namespace chaos::cli
