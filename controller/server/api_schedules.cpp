// GET /api/v1/schedules: the schedules with their next and last firings and their refused
// starts, the blackout windows with the one in force or next, --max-run, and the latest refused
// starts from schedules and the API alike. Times are Unix ms; each time also comes formatted in
// the zone it was given in ("*_local").
#include <boost/json.hpp>

#include "notify/webhook.h"
#include "scheduler/time_zone.h"
#include "server/api.h"
#include "server/start_gate.h"

namespace chaos::server {

namespace json = boost::json;

namespace {

constexpr int kRefusalsPerSchedule = 5;
constexpr int kRecentRefusals = 20;
constexpr int64_t kLookAheadMs = int64_t{370} * 24 * 3600 * 1000;  // a year and a bit

json::value optional_ms(const std::optional<int64_t>& ms) {
  return ms ? json::value(*ms) : json::value(nullptr);
}

// Webhook URLs carry their secret: the open API shows scheme and host only.
json::array redacted(const std::vector<std::string>& urls) {
  json::array out;
  for (const auto& url : urls) out.push_back(json::string(notify::redact_url(url)));
  return out;
}

json::object refusal_json(const store::RefusalRecord& r) {
  return json::object{{"unix_ms", r.unix_ms},       {"origin", r.origin},
                      {"experiment", r.experiment}, {"schedule", r.schedule},
                      {"blackout", r.blackout},     {"message", r.message}};
}

json::object occurrence_json(const scheduler::BlackoutOccurrence& o,
                             const scheduler::TimeZone& zone) {
  return json::object{{"start_unix_ms", o.start_unix_ms},
                      {"end_unix_ms", o.end_unix_ms},
                      {"start_local", zone.format(o.start_unix_ms)},
                      {"end_local", zone.format(o.end_unix_ms)}};
}

}  // namespace

json::object Api::schedule_json(const scheduler::ScheduleStatus& s) {
  json::object o{{"cron", s.expression},
                 {"timezone", s.time_zone},
                 {"experiment", s.experiment},
                 {"next_unix_ms", s.next_unix_ms},
                 {"last_fired_unix_ms", s.last_fired_unix_ms},
                 {"last_run_id", s.last_run_id},
                 {"last_skip_reason", s.last_skip_reason},
                 {"runs_started", s.runs_started},
                 {"firings_skipped", s.firings_skipped},
                 {"max_run_ms", optional_ms(s.options.max_run_ms)},
                 {"notify_start", redacted(s.options.notify_firing)},
                 {"notify_verdict", redacted(s.options.notify_verdict)}};
  auto zone = scheduler::TimeZone::find(s.time_zone);
  if (zone && s.next_unix_ms != 0) o["next_local"] = zone->format(s.next_unix_ms);
  return o;
}

// `timezone` is the zone of schedules that name none.
HttpResponse Api::schedules() {
  const int64_t now = clock_.unix_ms();
  json::array schedules;
  if (scheduler_ != nullptr) {
    for (const auto& s : scheduler_->status()) {
      json::object o = schedule_json(s);
      if (gate_ != nullptr) {
        json::array refusals;
        for (const auto& r :
             gate_->schedule_refusals(s.expression, s.experiment, kRefusalsPerSchedule)) {
          refusals.push_back(refusal_json(r));
        }
        o["refusals"] = std::move(refusals);
        o["refusals_total"] = gate_->schedule_refusal_count(s.expression, s.experiment);
        // A firing inside a window will be refused; say so before it happens.
        auto blocked =
            s.next_unix_ms ? gate_->calendar().conflict(s.next_unix_ms, 1) : std::nullopt;
        o["next_in_blackout"] = blocked ? json::value(blocked->window->text()) : nullptr;
      }
      schedules.push_back(std::move(o));
    }
  }
  json::array blackouts;
  json::array recent;
  json::value max_run = nullptr;
  if (gate_ != nullptr) {
    for (const auto& w : gate_->calendar().windows()) {
      auto next = w.first_overlap(now, now + kLookAheadMs);
      blackouts.push_back(
          json::object{{"window", w.text()},
                       {"timezone", w.time_zone().name()},
                       {"in_force", next && next->start_unix_ms <= now},
                       {"current_or_next",
                        next ? json::value(occurrence_json(*next, w.time_zone())) : nullptr}});
    }
    for (const auto& r : gate_->recent_refusals(kRecentRefusals)) recent.push_back(refusal_json(r));
    max_run = optional_ms(gate_->max_run_ms());
  }
  return json_response(200, json::object{{"schedules", schedules},
                                         {"timezone", "UTC"},
                                         {"blackouts", blackouts},
                                         {"max_run_ms", max_run},
                                         {"refusals", recent}});
}

}  // namespace chaos::server
