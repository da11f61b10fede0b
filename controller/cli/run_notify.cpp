// chaosctl run --notify URL: the run's JSON report posted to each webhook when the run ends.
#include <boost/json.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "notify/run_notice.h"
#include "notify/webhook.h"
#include "report/run_report.h"

namespace chaos::cli {

namespace {

// A webhook that cannot be told does not change the run's verdict or exit code: said on
// stderr only (not as a --json error, which would claim an exit code).
void warn(const std::string& message) {
  std::fprintf(stderr, "chaosctl: --notify: %s\n", message.c_str());
}

}  // namespace

Status check_notify_urls(const Options& options) {
  for (const auto& url : options.run.notify) {
    if (Status st = notify::check_webhook_url(url); !st) return st.with_context("--notify");
  }
  return Status::ok();
}

void notify_webhooks(const Options& options, store::Store& store, const std::string& path,
                     const engine::RunOutcome& outcome) {
  if (options.run.notify.empty()) return;
  boost::json::object document;
  std::string title;
  if (outcome.run_id != 0) {
    auto report = report::build_run_report(store, outcome.run_id);
    if (report) {
      document = std::move(report.value());
      if (const auto* t = document.if_contains("title"); t && t->is_string())
        title = t->as_string();
    } else {
      warn("the run's report: " + report.status().message());
    }
  }
  if (document.empty()) {  // no stored run, or its report failed: the verdict alone
    document = {{"id", outcome.run_id ? boost::json::value(outcome.run_id) : nullptr},
                {"experiment", path},
                {"verdict", engine::verdict_name(outcome.verdict)},
                {"reason", outcome.reason}};
  }
  const std::string body = boost::json::serialize(notify::with_text(
      std::move(document),
      notify::verdict_text(outcome.run_id, title, path, engine::verdict_name(outcome.verdict),
                           outcome.reason)));
  for (const auto& url : options.run.notify) {
    if (Status st = notify::post_json(url, body); !st) warn(st.message());
  }
}

}  // namespace chaos::cli
