#include "server/start_gate.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/duration.h"
#include "common/text_file.h"
#include "engine/dry_run.h"

namespace chaos::server {

namespace {

std::string human(int64_t ms) { return format_duration(std::chrono::milliseconds(ms)); }

std::string blackout_message(const scheduler::BlackoutCalendar::Conflict& c,
                             const std::string& experiment, int64_t max_length_ms,
                             const std::string& why_length) {
  const scheduler::TimeZone& zone = c.window->time_zone();
  if (c.inside) {
    return "blackout window '" + c.window->text() + "' is in force (" +
           zone.format(c.occurrence.start_unix_ms) + " to " +
           zone.format(c.occurrence.end_unix_ms) + "): no run of " + experiment +
           " starts inside it";
  }
  return "a run of " + experiment + " may last up to " + human(max_length_ms) + " (" + why_length +
         ") and would run into blackout window '" + c.window->text() + "', which begins " +
         zone.format(c.occurrence.start_unix_ms);
}

}  // namespace

Result<std::unique_ptr<StartGate>> StartGate::open(scheduler::BlackoutCalendar calendar,
                                                   std::optional<int64_t> max_run_ms,
                                                   const std::string& db_path,
                                                   const plugin_host::PluginRegistry& registry,
                                                   RunManager& runs, Clock& clock) {
  auto log = store::RefusalLog::open(db_path);
  if (!log) return log.status();
  return std::unique_ptr<StartGate>(new StartGate(std::move(calendar), max_run_ms,
                                                  std::move(log).value(), registry, runs, clock));
}

StartGate::StartGate(scheduler::BlackoutCalendar calendar, std::optional<int64_t> max_run_ms,
                     std::unique_ptr<store::RefusalLog> log,
                     const plugin_host::PluginRegistry& registry, RunManager& runs, Clock& clock)
    : calendar_(std::move(calendar)),
      max_run_ms_(max_run_ms),
      registry_(registry),
      runs_(runs),
      clock_(clock),
      log_(std::move(log)) {}

StartOutcome StartGate::start(const StartRequest& request) {
  StartOutcome outcome;
  auto source = read_text_file(request.experiment);
  if (!source) {
    outcome.status = source.status();
    return refuse(request, std::move(outcome));
  }
  // Validate before anything starts: a bad experiment is refused, not recorded as a run.
  auto plan = engine::dry_run(source.value(), request.experiment, registry_, {}, nullptr,
                              runs_.standing_proxies());
  if (!plan) {
    outcome.status = Status::invalid_argument(plan.status().message());
    return refuse(request, std::move(outcome));
  }
  outcome.title = plan->experiment.title;
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const int64_t method_ms = duration_cast<milliseconds>(plan->method_length).count();
  const int64_t planned_ms =
      duration_cast<milliseconds>(plan->experiment.baseline_timeout).count() + method_ms +
      duration_cast<milliseconds>(plan->experiment.recovery_within).count();
  const std::optional<int64_t> bound = request.max_run_ms ? request.max_run_ms : max_run_ms_;
  outcome.max_length_ms = std::max(planned_ms, bound.value_or(0));
  const std::string why_length =
      bound && *bound >= planned_ms
          ? std::string(request.max_run_ms ? "the schedule's max-run=" : "--max-run")
          : "its baseline timeout, method and recovery timeout";

  if (auto conflict = calendar_.conflict(clock_.unix_ms(), outcome.max_length_ms)) {
    outcome.status = Status::failed(
        blackout_message(*conflict, request.experiment, outcome.max_length_ms, why_length));
    outcome.blackout = conflict;
    return refuse(request, std::move(outcome));
  }
  RunManager::DoneCallback on_done;
  if (request.on_done) {
    on_done = [title = outcome.title, inner = request.on_done](const ActiveRunState& state) {
      ActiveRunState named = state;
      named.title = title;
      inner(named);
    };
  }
  auto id = runs_.start(request.experiment, source.value(), method_ms, std::move(on_done));
  if (!id) {
    outcome.status = id.status();
    return refuse(request, std::move(outcome));
  }
  outcome.run_id = id.value();
  return outcome;
}

StartOutcome StartGate::refuse(const StartRequest& request, StartOutcome outcome) {
  store::RefusalRecord record;
  record.unix_ms = clock_.unix_ms();
  record.origin = request.origin;
  record.experiment = request.experiment;
  record.schedule = request.schedule;
  record.blackout = outcome.blackout ? outcome.blackout->window->text() : "";
  record.message = outcome.status.message();
  std::lock_guard lock(log_mutex_);
  if (auto id = log_->append(record); !id) {
    std::fprintf(stderr, "chaosctl: %s\n", id.status().message().c_str());
  }
  return outcome;
}

std::vector<store::RefusalRecord> StartGate::recent_refusals(int limit) {
  std::lock_guard lock(log_mutex_);
  auto rows = log_->recent(limit);
  if (!rows) std::fprintf(stderr, "chaosctl: %s\n", rows.status().message().c_str());
  return rows ? std::move(rows).value() : std::vector<store::RefusalRecord>{};
}

std::vector<store::RefusalRecord> StartGate::schedule_refusals(const std::string& schedule,
                                                               const std::string& experiment,
                                                               int limit) {
  std::lock_guard lock(log_mutex_);
  auto rows = log_->recent_for_schedule(schedule, experiment, limit);
  if (!rows) std::fprintf(stderr, "chaosctl: %s\n", rows.status().message().c_str());
  return rows ? std::move(rows).value() : std::vector<store::RefusalRecord>{};
}

int64_t StartGate::schedule_refusal_count(const std::string& schedule,
                                          const std::string& experiment) {
  std::lock_guard lock(log_mutex_);
  auto n = log_->count_for_schedule(schedule, experiment);
  if (!n) std::fprintf(stderr, "chaosctl: %s\n", n.status().message().c_str());
  return n.value_or(0);
}

}  // namespace chaos::server
