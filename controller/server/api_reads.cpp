// The read side of the API: runs, a run's events, samples and checks, experiments, plugins,
// the live status and the controller's own /metrics (schedules: api_schedules.cpp).
#include <boost/json.hpp>
#include <cstdlib>
#include <map>
#include <sstream>

#include "engine/dry_run.h"
#include "engine/fault_figures.h"
#include "common/json_number.h"
#include "common/text_file.h"
#include "server/api.h"
#include "report/sample_json.h"

namespace chaos::server {

namespace json = boost::json;

namespace {

std::string url_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
               std::isxdigit(text[i + 2])) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::istringstream in(query);
  std::string pair;
  while (std::getline(in, pair, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    out[url_decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1));
  }
  return out;
}

// A whole number in [min, max], or nullopt.
std::optional<int> parse_int(const std::string& text, int min, int max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || v < min || v > max) return std::nullopt;
  return static_cast<int>(v);
}

json::value parse_json_or_null(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value() : v;
}

json::object summary_fields(const std::string& summary_json) {
  json::value summary = parse_json_or_null(summary_json);
  json::object out{{"abort_latency_ms", nullptr}, {"time_to_recover_ms", nullptr}};
  if (summary.is_object()) {
    for (const char* key : {"abort_latency_ms", "time_to_recover_ms"}) {
      if (const json::value* v = summary.as_object().if_contains(key)) out[key] = *v;
    }
  }
  return out;
}

}  // namespace

HttpResponse Api::list_runs(const std::string& query) {
  auto params = parse_query(query);
  store::RunQuery q;
  q.experiment_path = params["experiment"];
  q.verdict = params["verdict"];
  if (!params["limit"].empty()) {
    auto limit = parse_int(params["limit"], 1, 500);
    if (!limit) return error_response(400, "limit must be a whole number from 1 to 500");
    q.limit = *limit;
  }
  if (!params["offset"].empty()) {
    auto offset = parse_int(params["offset"], 0, 1000000000);
    if (!offset) return error_response(400, "offset must be a whole number >= 0");
    q.offset = *offset;
  }
  auto page = store_.list_run_summaries(q);
  if (!page) return status_response(page.status());
  json::array runs;
  for (const auto& r : page->runs) {
    json::object o{{"id", r.id},
                   {"experiment", r.experiment_path},
                   {"title", r.title},
                   {"source_sha256", r.source_sha256},
                   {"started_unix_ms", r.started_unix_ms},
                   {"ended_unix_ms", r.ended_unix_ms},
                   {"duration_ms", r.ended_unix_ms ? json::value(r.ended_unix_ms - r.started_unix_ms)
                                                   : json::value()},
                   {"state", r.state},
                   {"verdict", r.verdict},
                   {"reason", r.reason}};
    for (auto& [k, v] : summary_fields(r.summary_json)) o[k] = v;
    runs.push_back(std::move(o));
  }
  json::array experiments;
  if (auto paths = store_.experiment_paths()) {
    for (auto& p : paths.value()) experiments.push_back(json::value(p));
  }
  return json_response(200, json::object{{"runs", runs},
                                         {"total", page->total},
                                         {"limit", q.limit},
                                         {"offset", q.offset},
                                         {"experiments", experiments}});
}

HttpResponse Api::run_detail(int64_t id) {
  auto run = store_.get_run(id);
  if (!run) return status_response(run.status());
  const auto& r = run.value();
  json::object o{{"id", r.id},
                 {"experiment", r.experiment_path},
                 {"title", r.title},
                 {"description", r.description},
                 {"source", r.source},
                 {"source_sha256", r.source_sha256},
                 {"plugins", parse_json_or_null(r.plugins_json)},
                 {"seed", r.seed},
                 {"started_unix_ms", r.started_unix_ms},
                 {"ended_unix_ms", r.ended_unix_ms},
                 {"state", r.state},
                 {"verdict", r.verdict},
                 {"reason", r.reason},
                 {"summary", parse_json_or_null(r.summary_json)}};
  for (auto& [k, v] : summary_fields(r.summary_json)) o[k] = v;
  // Faults a killed controller left that no start could undo yet (chaosctl recover).
  json::array pending;
  if (auto left = store_.pending_recoveries(id); left) {
    for (const auto& p : left.value()) {
      pending.push_back(json::object{{"fault", p.record.name},
                                     {"kind", p.record.kind},
                                     {"pending_since_unix_ms", p.since_unix_ms},
                                     {"reason", p.reason}});
    }
  }
  o["pending_recovery"] = std::move(pending);
  return json_response(200, o);
}

HttpResponse Api::run_events(int64_t id) {
  if (auto run = store_.get_run(id); !run) return status_response(run.status());
  auto events = store_.events(id);
  if (!events) return status_response(events.status());
  json::array out;
  for (const auto& e : events.value()) {
    out.push_back(json::object{{"id", e.id},
                               {"unix_ms", e.unix_ms},
                               {"phase", e.phase},
                               {"kind", e.kind},
                               {"message", e.message},
                               {"detail", parse_json_or_null(e.detail_json)}});
  }
  return json_response(200, json::object{{"run_id", id}, {"events", out}});
}

// Columnar per series, as charts want them: times, values (null for a failed reading).
HttpResponse Api::run_samples(int64_t id) {
  if (auto run = store_.get_run(id); !run) return status_response(run.status());
  auto samples = store_.samples(id);
  if (!samples) return status_response(samples.status());
  json::array series;
  json::object* current = nullptr;
  std::string name;
  for (const auto& s : samples.value()) {
    if (current == nullptr || s.series != name) {
      name = s.series;
      series.push_back(json::object{{"name", name},
                                    {"t", json::array()},
                                    {"v", json::array()},
                                    {"phase", json::array()},
                                    {"errors", 0},
                                    {"last_error", ""}});
      current = &series.back().as_object();
    }
    (*current)["t"].as_array().push_back(s.unix_ms);
    (*current)["v"].as_array().push_back(report::sample_value_json(s));
    (*current)["phase"].as_array().push_back(json::value(s.phase));
    if (!s.ok) {
      (*current)["errors"] = (*current)["errors"].as_int64() + 1;
      (*current)["last_error"] = s.error;
    }
  }
  return json_response(200, json::object{{"run_id", id}, {"series", series}});
}

HttpResponse Api::run_checks(int64_t id) {
  if (auto run = store_.get_run(id); !run) return status_response(run.status());
  auto checks = store_.checks(id);
  if (!checks) return status_response(checks.status());
  json::array out;
  for (const auto& c : checks.value()) {
    out.push_back(json::object{{"probe", c.probe},
                               {"phase", c.phase},
                               {"aggregate", c.aggregate},
                               {"value", json_number(c.value)},
                               {"expectation", c.expectation},
                               {"outcome", c.outcome},
                               {"samples", c.samples},
                               {"unix_ms", c.unix_ms}});
  }
  return json_response(200, json::object{{"run_id", id}, {"checks", out}});
}

HttpResponse Api::run_faults(int64_t id) {
  if (auto run = store_.get_run(id); !run) return status_response(run.status());
  auto finals = store_.fault_statuses(id, /*final_only=*/true);
  if (!finals) return status_response(finals.status());
  return json_response(200, json::object{{"run_id", id},
                                         {"faults", engine::final_statuses_json(finals.value())}});
}

HttpResponse Api::list_experiments() {
  json::array out;
  for (const auto& path : config_.experiments) {
    json::object o{{"path", path}};
    auto source = read_text_file(path);
    if (!source) {
      o["error"] = source.status().message();
      out.push_back(std::move(o));
      continue;
    }
    auto plan = engine::dry_run(source.value(), path, registry_, {}, nullptr, runs_.standing_proxies());
    if (!plan) {
      o["error"] = plan.status().message();
    } else {
      o["title"] = plan->experiment.title;
      o["description"] = plan->experiment.description;
      o["method_length_ms"] =
          std::chrono::duration_cast<std::chrono::milliseconds>(plan->method_length).count();
      json::array faults, probes;
      for (const auto& f : plan->faults) {
        faults.push_back(json::object{{"kind", f.kind},
                                      {"name", f.name},
                                      {"at_ms", f.at.count() / 1000},
                                      {"duration_ms", f.duration.count() / 1000}});
      }
      for (const auto& p : plan->experiment.probes) {
        json::array expect;
        for (const auto& e : p.expect) {
          expect.push_back(json::object{{"aggregate", e.aggregate}, {"bound", e.bound.describe()}});
        }
        probes.push_back(json::object{{"name", p.name}, {"kind", p.kind},
                                      {"guardrail", p.guardrail}, {"expect", expect}});
      }
      o["faults"] = faults;
      o["probes"] = probes;
    }
    out.push_back(std::move(o));
  }
  return json_response(200, json::object{{"experiments", out}});
}

HttpResponse Api::list_plugins() {
  json::array plugins;
  for (const auto& p : registry_.plugins()) {
    json::array kinds;
    for (const auto& k : p->kinds()) {
      kinds.push_back(json::object{{"name", k.name},
                                   {"summary", k.summary},
                                   {"params_schema", k.params_schema.json()},
                                   {"has_recover", k.has_recover()}});
    }
    plugins.push_back(json::object{{"name", p->name()},
                                   {"version", p->version()},
                                   {"description", p->description()},
                                   {"path", p->path()},
                                   {"abi", std::to_string(p->abi_major()) + "." +
                                               std::to_string(p->abi_minor())},
                                   {"kinds", kinds}});
  }
  return json_response(200, json::object{{"plugins", plugins}});
}

HttpResponse Api::status() {
  json::array active;
  const int64_t now = clock_.unix_ms();
  for (const auto& s : runs_.active()) active.push_back(json::parse(RunManager::state_json(s, now)));
  const HaltState halt = runs_.last_halt();
  json::value last_halt;
  if (halt.requested_unix_ms != 0) {
    last_halt = json::object{{"requested_unix_ms", halt.requested_unix_ms},
                             {"done_unix_ms", halt.done_unix_ms},
                             {"runs", json::array(halt.runs.begin(), halt.runs.end())}};
  }
  return json_response(200, json::object{{"active", active}, {"last_halt", last_halt}});
}

HttpResponse Api::metrics() {
  std::ostringstream out;
  out << "# HELP chaosctl_runs Runs recorded in the store, by verdict (\"\" while running or "
         "interrupted).\n# TYPE chaosctl_runs gauge\n";
  for (const char* verdict : {"passed", "deviated", "not_steady", "aborted", "errored"}) {
    store::RunQuery q;
    q.verdict = verdict;
    q.limit = 0;
    auto page = store_.list_run_summaries(q);
    out << "chaosctl_runs{verdict=\"" << verdict << "\"} " << (page ? page->total : 0) << "\n";
  }
  const auto active = runs_.active();
  out << "# HELP chaosctl_active_runs Experiments running in this server now.\n"
         "# TYPE chaosctl_active_runs gauge\nchaosctl_active_runs "
      << active.size() << "\n";
  out << "# HELP chaosctl_active_faults Faults injected now by this server's runs.\n"
         "# TYPE chaosctl_active_faults gauge\nchaosctl_active_faults "
      << runs_.active_faults() << "\n";
  // The newest run that measured one (guardrail aborts do; operator aborts have none).
  store::RunQuery aborted;
  aborted.verdict = "aborted";
  aborted.limit = 50;
  if (auto page = store_.list_run_summaries(aborted)) {
    for (const auto& r : page->runs) {
      json::value latency = summary_fields(r.summary_json)["abort_latency_ms"];
      if (latency.is_number()) {
        out << "# HELP chaosctl_last_abort_latency_ms From the sample that broke a guardrail to "
               "every fault stopped, in the newest aborted run that measured it.\n"
               "# TYPE chaosctl_last_abort_latency_ms gauge\nchaosctl_last_abort_latency_ms "
            << latency.to_number<double>() << "\n";
        break;
      }
    }
  }
  const HaltState halt = runs_.last_halt();
  if (halt.done_unix_ms != 0) {
    out << "# HELP chaosctl_last_halt_ms From the last halt request to every rollback done.\n"
           "# TYPE chaosctl_last_halt_ms gauge\nchaosctl_last_halt_ms "
        << halt.done_unix_ms - halt.requested_unix_ms << "\n";
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = out.str();
  return r;
}

}  // namespace chaos::server
