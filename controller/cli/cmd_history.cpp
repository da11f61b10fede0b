// chaosctl runs, chaosctl show RUN: what the store holds about past runs.
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <ctime>

#include "cli/commands.h"
#include "common/duration.h"
#include "cli/show_sweeps.h"
#include "engine/fault_figures.h"
#include "report/sweep_json.h"
#include "report/run_report.h"
#include "store/store.h"

namespace chaos::cli {

namespace {

std::string local_time(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string run_duration(const store::RunRecord& run) {
  if (!run.ended_unix_ms) return "running";
  return format_duration_rounded(
      std::chrono::milliseconds(run.ended_unix_ms - run.started_unix_ms));
}

boost::json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value() : v;
}

// Faults of a run a dead controller left that no start could undo yet (chaosctl recover).
boost::json::array pending_json(const std::vector<store::PendingRecovery>& pending,
                                int64_t run_id) {
  boost::json::array out;
  for (const auto& p : pending) {
    if (p.record.run_id != run_id) continue;
    out.push_back({{"fault", p.record.name},
                   {"kind", p.record.kind},
                   {"pending_since_unix_ms", p.since_unix_ms},
                   {"reason", p.reason}});
  }
  return out;
}

void print_faults(const std::vector<store::FaultStatusRecord>& finals) {
  if (finals.empty()) return;
  std::printf("\nfaults (final status):\n");
  for (const auto& f : engine::final_statuses_json(finals)) {
    const auto& fault = f.as_object();
    std::printf("  %s (%s, fault %lld)\n", fault.at("name").as_string().c_str(),
                fault.at("kind").as_string().c_str(),
                static_cast<long long>(fault.at("id").as_int64()));
    for (const auto& figure : fault.at("figures").as_array()) {
      std::printf("    %-16s %s\n", figure.at("label").as_string().c_str(),
                  figure.at("text").as_string().c_str());
    }
  }
}

}  // namespace

// runs, show and report only read: a store they cannot write (a read-only mount) still opens.
Result<std::unique_ptr<store::Store>> open_store_for_reading(const Options& options) {
  std::string note;
  auto store = store::Store::open_for_reading(options.db_path, &note);
  if (store && !note.empty()) std::fprintf(stderr, "chaosctl: %s\n", note.c_str());
  return store;
}

namespace {}  // namespace

int cmd_runs(const Options& options) {
  auto store = open_store_for_reading(options);
  if (!store) return complain(store.status().message(), 1);
  auto runs = store.value()->list_runs(options.limit, 0);
  if (!runs) return complain(runs.status().message(), 1);
  auto pending = store.value()->pending_recoveries();
  if (!pending) return complain(pending.status().message(), 1);
  if (options.json) {
    boost::json::array out;
    for (const auto& r : runs.value()) {
      auto run = report::run_summary_json(r);
      run["pending_recovery"] = pending_json(pending.value(), r.id);
      out.push_back(std::move(run));
    }
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return 0;
  }
  if (runs->empty()) {
    std::printf("no runs yet in %s (start one with: chaosctl run FILE)\n", options.db_path.c_str());
    return 0;
  }
  std::printf("%-5s  %-36s  %-19s  %-9s  %s\n", "ID", "EXPERIMENT", "STARTED", "DURATION",
              "VERDICT");
  for (const auto& r : runs.value()) {
    const size_t left = pending_json(pending.value(), r.id).size();
    std::printf("%-5lld  %-36s  %-19s  %-9s  %s%s\n", static_cast<long long>(r.id),
                r.experiment_path.c_str(), local_time(r.started_unix_ms).c_str(),
                run_duration(r).c_str(), r.verdict.empty() ? r.state.c_str() : r.verdict.c_str(),
                left ? (" — " + std::to_string(left) + " fault(s) pending recovery").c_str() : "");
  }
  if (!pending->empty()) {
    std::printf(
        "\n%zu fault(s) left by a killed chaosctl are pending recovery: chaosctl "
        "--plugin-dir DIR recover\n",
        pending->size());
  }
  return 0;
}

int cmd_show(const Options& options) {
  const auto run_id = run_id_argument(options, "show");
  if (!run_id) return kExitUsage;
  const int64_t id = *run_id;
  auto store = open_store_for_reading(options);
  if (!store) return complain(store.status().message(), 1);
  if (options.json) {  // the run's JSON report: chaosctl report RUN prints the same
    auto report = report::build_run_report(*store.value(), id);
    if (!report) return complain(report.status().message(), 1);
    std::printf("%s\n", boost::json::serialize(report.value()).c_str());
    return 0;
  }
  auto run = store.value()->get_run(id);
  if (!run) return complain(run.status().message(), 1);
  auto events = store.value()->events(id);
  auto checks = store.value()->checks(id);
  auto finals = store.value()->fault_statuses(id, /*final_only=*/true);
  auto pending = store.value()->pending_recoveries(id);
  auto sweeps = store.value()->sweep_steps(id);
  if (!events || !checks || !finals || !pending || !sweeps) {
    return complain("cannot read run " + options.args[0], 1);
  }
  const auto& r = run.value();

  std::printf(
      "run %lld: %s\n  experiment  %s (sha256 %.12s)\n  started     %s, %s\n"
      "  seed        %lld\n  verdict     %s — %s\n",
      static_cast<long long>(id), r.title.c_str(), r.experiment_path.c_str(),
      r.source_sha256.c_str(), local_time(r.started_unix_ms).c_str(), run_duration(r).c_str(),
      static_cast<long long>(r.seed), r.verdict.empty() ? r.state.c_str() : r.verdict.c_str(),
      r.reason.c_str());
  auto summary = parse_or_null(r.summary_json);
  auto summary_ms = [&](const char* key) -> std::string {
    const auto* v = summary.is_object() ? summary.as_object().if_contains(key) : nullptr;
    if (!v || v->is_null()) return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.1f ms", v->to_number<double>());
    return text;
  };
  for (const auto& p : pending.value()) {
    std::printf(
        "  PENDING     fault '%s' (%s) may still be injected, pending recovery since %s: "
        "%s\n",
        p.record.name.c_str(), p.record.kind.c_str(), local_time(p.since_unix_ms).c_str(),
        p.reason.c_str());
  }
  if (auto ttr = summary_ms("time_to_recover_ms"); !ttr.empty()) {
    std::printf("  recovered   %s after rollback\n", ttr.c_str());
  }
  if (auto latency = summary_ms("abort_latency_ms"); !latency.empty()) {
    std::printf("  abort       every fault stopped %s after the sample that broke the guardrail\n",
                latency.c_str());
  }
  std::printf("\ntimeline:\n");
  for (const auto& e : events.value()) {
    std::printf("  %+8.1fs  %-10s  %-18s %s\n", (e.unix_ms - r.started_unix_ms) / 1000.0,
                e.phase.c_str(), e.kind.c_str(), e.message.c_str());
  }
  std::printf("\nprobe results:\n");
  int probe_width = 5, expectation_width = 11;
  for (const auto& c : checks.value()) {
    probe_width = std::max(probe_width, static_cast<int>(c.probe.size()));
    expectation_width = std::max(expectation_width, static_cast<int>(c.expectation.size()));
  }
  std::printf("  %-10s  %-*s  %-12s %10s  %-*s  %s\n", "PHASE", probe_width, "PROBE", "AGGREGATE",
              "VALUE", expectation_width, "EXPECTATION", "OUTCOME");
  for (const auto& c : checks.value()) {
    std::printf("  %-10s  %-*s  %-12s %10.4g  %-*s  %s (%lld samples)\n", c.phase.c_str(),
                probe_width, c.probe.c_str(), c.aggregate.c_str(), c.value, expectation_width,
                c.expectation.c_str(), c.outcome.c_str(), static_cast<long long>(c.samples));
  }
  std::printf("%s", sweeps_text(report::sweeps_json(sweeps.value())).c_str());
  print_faults(finals.value());
  return 0;
}

}  // namespace chaos::cli
