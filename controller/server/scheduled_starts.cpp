#include "server/scheduled_starts.h"

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <mutex>

#include "notify/run_notice.h"
#include "notify/webhook.h"

namespace chaos::server {

namespace json = boost::json;

namespace {

void post_all(notify::WebhookQueue& webhooks, const std::vector<std::string>& urls,
              const json::object& document, const std::string& text) {
  if (urls.empty()) return;
  const std::string body = json::serialize(notify::with_text(document, text));
  for (const std::string& url : urls) webhooks.post(url, body);
}

using notify::run_name;

// A quick run can end before its start notice is queued. The verdict then waits here for it,
// so a channel always reads "started" before "ended". Guarded by `mutex`.
struct NoticeOrder {
  std::mutex mutex;
  bool start_queued = false;
  std::function<void()> held_verdict;
};

}  // namespace

Result<int64_t> ScheduledStarts::operator()(const scheduler::Schedule& schedule) {
  const std::string expression = schedule.cron.expression();
  const scheduler::ScheduleOptions options = schedule.options;
  json::object base{{"schedule", expression},
                    {"time_zone", schedule.cron.time_zone().name()},
                    {"experiment", schedule.experiment}};

  StartRequest request;
  request.experiment = schedule.experiment;
  request.origin = "schedule";
  request.schedule = expression;
  request.max_run_ms = options.max_run_ms;
  auto order = std::make_shared<NoticeOrder>();
  if (!options.notify_verdict.empty()) {
    notify::WebhookQueue& webhooks = webhooks_;
    Clock& clock = clock_;
    request.on_done = [&webhooks, &clock, options, base, order](const ActiveRunState& run) {
      json::object doc = base;
      doc["event"] = "verdict";
      doc["run_id"] = run.run_id;
      doc["title"] = run.title;
      doc["verdict"] = run.verdict;
      doc["reason"] = run.reason;
      doc["started_unix_ms"] = run.started_unix_ms;
      doc["ended_unix_ms"] = clock.unix_ms();
      doc["unix_ms"] = clock.unix_ms();
      const std::string text =
          notify::verdict_text(run.run_id, run.title, run.experiment, run.verdict, run.reason);
      auto post = [&webhooks, urls = options.notify_verdict, doc, text] {
        post_all(webhooks, urls, doc, text);
      };
      std::lock_guard lock(order->mutex);
      if (order->start_queued) {
        post();
      } else {
        order->held_verdict = std::move(post);
      }
    };
  }

  const StartOutcome outcome = gate_.start(request);
  json::object doc = base;
  doc["title"] = outcome.title;
  doc["unix_ms"] = clock_.unix_ms();
  if (outcome.status) {
    doc["event"] = "start";
    doc["run_id"] = outcome.run_id;
    doc["max_length_ms"] = outcome.max_length_ms;
    post_all(webhooks_, options.notify_firing, doc,
             "chaosctl: scheduled " + run_name(outcome.run_id, outcome.title, schedule.experiment) +
                 " started (schedule '" + expression + "')");
    std::lock_guard lock(order->mutex);
    order->start_queued = true;
    if (order->held_verdict) order->held_verdict();
    return outcome.run_id;
  }
  doc["event"] = "refused";
  doc["reason"] = outcome.status.message();
  doc["blackout"] = outcome.blackout ? json::value(outcome.blackout->window->text()) : nullptr;
  post_all(webhooks_, options.notify_firing, doc,
           "chaosctl: scheduled run of " + run_name(0, outcome.title, schedule.experiment) +
               " did not start (schedule '" + expression + "'): " + outcome.status.message());
  return outcome.status;
}

}  // namespace chaos::server
