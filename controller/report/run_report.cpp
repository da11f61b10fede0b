#include "report/run_report.h"

#include <boost/json.hpp>
#include <map>

#include "common/json_number.h"
#include "engine/fault_figures.h"
#include "report/sample_json.h"
#include "report/sweep_json.h"

namespace chaos::report {

namespace json = boost::json;

namespace {

json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value() : v;
}

json::value summary_number(const json::value& summary, const char* key) {
  const auto* v = summary.is_object() ? summary.as_object().if_contains(key) : nullptr;
  return v && v->is_number() ? *v : json::value();
}

json::array events_json(const std::vector<store::EventRecord>& events) {
  json::array out;
  for (const auto& e : events) {
    out.push_back({{"id", e.id},
                   {"unix_ms", e.unix_ms},
                   {"phase", e.phase},
                   {"kind", e.kind},
                   {"message", e.message},
                   {"detail", parse_or_null(e.detail_json)}});
  }
  return out;
}

json::array checks_json(const std::vector<store::CheckRecord>& checks) {
  json::array out;
  for (const auto& c : checks) {
    out.push_back({{"probe", c.probe},
                   {"phase", c.phase},
                   {"aggregate", c.aggregate},
                   {"value", json_number(c.value)},
                   {"expectation", c.expectation},
                   {"outcome", c.outcome},
                   {"samples", c.samples},
                   {"unix_ms", c.unix_ms}});
  }
  return out;
}

json::array samples_json(const std::vector<store::SampleRecord>& samples) {
  json::array out;
  out.reserve(samples.size());
  for (const auto& s : samples) {
    out.push_back({{"series", s.series},
                   {"unix_ms", s.unix_ms},
                   {"value", sample_value_json(s)},
                   {"ok", s.ok},
                   {"phase", s.phase},
                   {"error", s.error},
                   {"detail", s.detail}});
  }
  return out;
}

// Each fault's window from its fault_start event to its fault_stop (or fault_start_failed),
// as the run page shades them; end_unix_ms is null when the journal has no end (a killed run).
json::array fault_windows_json(const std::vector<store::EventRecord>& events,
                               const json::array& finals) {
  std::map<int64_t, json::value> final_of;
  for (const auto& f : finals) {
    final_of[f.at("id").to_number<int64_t>()] = f.at("final_status");
  }
  json::array out;
  std::map<int64_t, size_t> open;  // fault id -> index in out
  for (const auto& e : events) {
    if (e.kind != "fault_start" && e.kind != "fault_stop" && e.kind != "fault_start_failed") {
      continue;
    }
    const json::value detail = parse_or_null(e.detail_json);
    const auto* id = detail.is_object() ? detail.as_object().if_contains("id") : nullptr;
    if (id == nullptr || !id->is_number()) continue;
    const int64_t fault_id = id->to_number<int64_t>();
    if (e.kind == "fault_start") {
      const auto* name = detail.as_object().if_contains("name");
      const auto* kind = detail.as_object().if_contains("kind");
      auto final_status = final_of.find(fault_id);
      open[fault_id] = out.size();
      out.push_back({{"fault_id", fault_id},
                     {"name", name && name->is_string() ? *name : json::value("")},
                     {"kind", kind && kind->is_string() ? *kind : json::value("")},
                     {"start_unix_ms", e.unix_ms},
                     {"end_unix_ms", nullptr},
                     {"ended_by", nullptr},
                     {"final_status",
                      final_status == final_of.end() ? json::value() : final_status->second}});
    } else if (auto it = open.find(fault_id); it != open.end()) {
      auto& window = out[it->second].as_object();
      window["end_unix_ms"] = e.unix_ms;
      window["ended_by"] = e.kind == "fault_stop" ? "stop" : "start_failed";
      open.erase(it);
    }
  }
  return out;
}

json::array pending_json(const std::vector<store::PendingRecovery>& pending) {
  json::array out;
  for (const auto& p : pending) {
    out.push_back({{"fault", p.record.name},
                   {"kind", p.record.kind},
                   {"pending_since_unix_ms", p.since_unix_ms},
                   {"reason", p.reason}});
  }
  return out;
}

}  // namespace

json::object run_summary_json(const store::RunRecord& r) {
  return {
      {"id", r.id},
      {"experiment", r.experiment_path},
      {"title", r.title},
      {"started_unix_ms", r.started_unix_ms},
      {"ended_unix_ms", r.ended_unix_ms ? json::value(r.ended_unix_ms) : nullptr},
      {"duration_ms", r.ended_unix_ms ? json::value(r.ended_unix_ms - r.started_unix_ms) : nullptr},
      {"state", r.state},
      {"verdict", r.verdict.empty() ? json::value() : json::value(r.verdict)},
      {"reason", r.reason},
      {"seed", r.seed},
      {"summary", parse_or_null(r.summary_json)}};
}

Result<json::object> build_run_report(store::Store& store, int64_t run_id) {
  auto run = store.get_run(run_id);
  if (!run) return run.status();
  auto events = store.events(run_id);
  if (!events) return events.status();
  auto checks = store.checks(run_id);
  if (!checks) return checks.status();
  auto finals = store.fault_statuses(run_id, /*final_only=*/true);
  if (!finals) return finals.status();
  auto samples = store.samples(run_id);
  if (!samples) return samples.status();
  auto pending = store.pending_recoveries(run_id);
  if (!pending) return pending.status();
  auto sweep_steps = store.sweep_steps(run_id);
  if (!sweep_steps) return sweep_steps.status();

  const auto& r = run.value();
  json::object out{{"schema", kReportSchema}};
  for (auto& field : run_summary_json(r)) out.emplace(field.key(), std::move(field.value()));
  out["description"] = r.description;
  out["source"] = r.source;
  out["source_sha256"] = r.source_sha256;
  out["plugins"] = parse_or_null(r.plugins_json);
  out["abort_latency_ms"] = summary_number(out["summary"], "abort_latency_ms");
  out["time_to_recover_ms"] = summary_number(out["summary"], "time_to_recover_ms");
  // Runs recorded before the allowlist was stored have none: null.
  const auto* summary = out["summary"].if_object();
  const auto* targets = summary ? summary->if_contains("allowed_targets") : nullptr;
  out["allowed_targets"] = targets && targets->is_array() ? *targets : json::value();
  out["events"] = events_json(events.value());
  out["checks"] = checks_json(checks.value());
  json::array finals_json = engine::final_statuses_json(finals.value());
  out["fault_windows"] = fault_windows_json(events.value(), finals_json);
  out["faults"] = std::move(finals_json);
  out["samples"] = samples_json(samples.value());
  out["pending_recovery"] = pending_json(pending.value());
  out["sweeps"] = sweeps_json(sweep_steps.value());
  return out;
}

}  // namespace chaos::report
