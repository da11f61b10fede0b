#pragma once
// ScheduledStarts: what a schedule's firing does inside `chaosctl serve` — start its
// experiment through the StartGate (blackout windows, max-run, refusals recorded) and tell the
// schedule's webhooks: `notify=`/`notify-start=` URLs of the firing (the run started, or why it
// was refused), `notify=`/`notify-verdict=` URLs of the run's verdict when it ends.
//
// Each notification is one JSON document POSTed through a WebhookQueue, with a Slack-compatible
// "text" line and the fields a bot would want:
//   {"text", "event": "start"|"refused"|"verdict", "schedule", "time_zone", "experiment",
//    "title", "unix_ms", "run_id", "max_length_ms" (start), "reason" and "blackout" (refused),
//    "verdict", "reason", "started_unix_ms", "ended_unix_ms" (verdict)}
//
// Thread-safety: operator() from the scheduler's thread (or any one thread); verdicts arrive
// on the runs' threads and only queue a post.

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "notify/webhook_queue.h"
#include "scheduler/scheduler.h"
#include "server/start_gate.h"

namespace chaos::server {

class ScheduledStarts {
 public:
  // Neither is owned; both must outlive every run this starts.
  ScheduledStarts(StartGate& gate, notify::WebhookQueue& webhooks, Clock& clock)
      : gate_(gate), webhooks_(webhooks), clock_(clock) {}

  // The Scheduler's Starter.
  Result<int64_t> operator()(const scheduler::Schedule& schedule);

 private:
  StartGate& gate_;
  notify::WebhookQueue& webhooks_;
  Clock& clock_;
};

}  // namespace chaos::server
