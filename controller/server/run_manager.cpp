#include "server/run_manager.h"

#include <boost/json.hpp>
#include <algorithm>
#include <optional>

#include "common/json_number.h"
#include "common/text_file.h"
#include "engine/dry_run.h"
#include "engine/run.h"
#include "engine/run_observer.h"
#include "report/sample_json.h"
#include "store/store.h"

namespace chaos::server {

namespace json = boost::json;

namespace {

json::array results_json(const std::vector<hypothesis::CheckResult>& results) {
  json::array out;
  for (const auto& r : results) {
    out.push_back(json::object{{"aggregate", r.aggregate},
                               {"value", json_number(r.value)},
                               {"expectation", r.expectation},
                               {"outcome", hypothesis::outcome_name(r.outcome)},
                               {"samples", r.samples},
                               {"note", r.note}});
  }
  return out;
}

}  // namespace

// Forwards one run's progress to the hub and keeps its ActiveRunState current. Called on the
// run's loop thread.
class RunManager::Observer final : public engine::RunObserver {
 public:
  Observer(RunManager& manager, Entry& entry) : manager_(manager), entry_(entry) {}

  void on_event(const journal::JournalEvent& event, double seconds) override {
    manager_.on_run_event(entry_, event, seconds);
  }
  void on_phase(journal::Phase phase, double) override { manager_.on_run_phase(entry_, phase); }
  void on_fault_started(const engine::FaultInfo&, double) override {
    manager_.on_run_fault(entry_, +1);
  }
  void on_fault_ended(const engine::FaultInfo&, bool, double) override {
    manager_.on_run_fault(entry_, -1);
  }
  void on_check(const std::string& probe, const std::string& phase,
                const std::vector<hypothesis::CheckResult>& results, double seconds) override {
    manager_.hub_.publish("check", json::serialize(json::object{{"run_id", run_id()},
                                                                {"probe", probe},
                                                                {"phase", phase},
                                                                {"seconds", seconds},
                                                                {"results", results_json(results)}}));
  }
  void on_live(const std::string& probe, const std::vector<hypothesis::CheckResult>& recent,
               double seconds) override {
    manager_.hub_.publish("live", json::serialize(json::object{
                                      {"run_id", run_id()},
                                      {"probe", probe},
                                      {"seconds", seconds},
                                      {"unix_ms", manager_.clock_.unix_ms()},
                                      {"results", results_json(recent)}}));
    manager_.publish_state(snapshot());
  }
  void on_verdict(const engine::RunOutcome&) override {}
  // Live charts append these instead of re-reading every sample.
  void on_samples(const std::vector<store::SampleRecord>& samples) override {
    json::array out;
    for (const auto& s : samples) {
      out.push_back(json::object{
          {"series", s.series},
          {"t", s.unix_ms},
          {"v", report::sample_value_json(s)}});
    }
    manager_.hub_.publish("samples", json::serialize(json::object{{"run_id", run_id()},
                                                                  {"samples", std::move(out)}}));
  }

 private:
  int64_t run_id() {
    std::lock_guard lock(manager_.runs_mutex_);
    return entry_.state.run_id;
  }
  ActiveRunState snapshot() {
    std::lock_guard lock(manager_.runs_mutex_);
    return entry_.state;
  }
  RunManager& manager_;
  Entry& entry_;
};

RunManager::RunManager(std::string db_path, const plugin_host::PluginRegistry& registry,
                       Clock& clock, LiveHub& hub)
    : db_path_(std::move(db_path)), registry_(registry), clock_(clock), hub_(hub) {}

RunManager::~RunManager() {
  halt("the server is stopping");
  wait_idle();
  std::lock_guard lock(runs_mutex_);
  for (auto& [key, entry] : runs_) {
    if (entry->thread.joinable()) entry->thread.join();
  }
}

Result<int64_t> RunManager::start_file(const std::string& path) {
  auto source = read_text_file(path);
  if (!source) return source.status();
  // Validate before anything starts: a bad experiment is refused, not recorded as a run.
  auto plan =
      engine::dry_run(source.value(), path, registry_, {}, nullptr, standing_proxies_, &targets_);
  if (!plan) return Status::invalid_argument(plan.status().message());
  return start(path, source.value(),
               std::chrono::duration_cast<std::chrono::milliseconds>(plan->method_length).count());
}

Result<int64_t> RunManager::start(const std::string& path, const std::string& source,
                                  int64_t method_length_ms, DoneCallback on_done) {
  std::unique_lock lock(runs_mutex_);
  // Finished runs' threads are over or about to be: join them and forget them.
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (it->second->state.done) {
      if (it->second->thread.joinable()) it->second->thread.join();
      it = runs_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [key, entry] : runs_) {
    if (entry->state.experiment == path) {
      return Status::failed(path + " is already running (run " +
                            std::to_string(entry->state.run_id) + ")");
    }
  }
  auto owned = std::make_unique<Entry>();
  Entry& entry = *owned;
  entry.state.experiment = path;
  entry.state.started_unix_ms = clock_.unix_ms();
  entry.state.method_length_ms = method_length_ms;
  entry.on_done = std::move(on_done);
  entry.observer = std::make_unique<Observer>(*this, entry);
  runs_.emplace(next_key_++, std::move(owned));

  entry.thread = std::thread([this, &entry, path, source] {
    std::string verdict = "errored";
    std::string reason = "the run could not open its store";
    auto store = store::Store::open(db_path_);
    if (store) {
      engine::RunConfig config;
      config.path = path;
      config.source = source;
      config.standing_proxies = standing_proxies_;
      config.targets = targets_;
      engine::Run run(std::move(config), registry_, *store.value(), clock_, *entry.observer);
      {
        std::lock_guard guard(runs_mutex_);
        entry.run = &run;
        // A halt that came before the run existed still applies to it.
        if (halting_.count(0) != 0) run.request_abort("halted by the operator");
      }
      const engine::RunOutcome outcome = run.execute();
      verdict = engine::verdict_name(outcome.verdict);
      reason = outcome.reason;
      std::lock_guard guard(runs_mutex_);
      entry.run = nullptr;
    } else {
      reason += ": " + store.status().message();
    }
    on_run_done(entry, verdict, reason);
  });

  // The run id exists once the run is recorded, which is the first thing execute() does.
  runs_changed_.wait_for(lock, std::chrono::seconds(10),
                         [&] { return entry.state.run_id != 0 || entry.state.done; });
  if (entry.state.run_id == 0) return Status::failed("the run could not be recorded in the store");
  return entry.state.run_id;
}

void RunManager::on_run_event(Entry& entry, const journal::JournalEvent& event, double seconds) {
  {
    std::lock_guard lock(runs_mutex_);
    if (entry.state.run_id == 0 && event.run_id != 0) {
      entry.state.run_id = event.run_id;
      runs_changed_.notify_all();
    }
  }
  boost::system::error_code ec;
  json::value detail = json::parse(event.detail_json.empty() ? "{}" : event.detail_json, ec);
  hub_.publish("event", json::serialize(json::object{{"run_id", event.run_id},
                                                     {"id", event.id},
                                                     {"unix_ms", event.unix_ms},
                                                     {"seconds", seconds},
                                                     {"phase", journal::phase_name(event.phase)},
                                                     {"kind", journal::event_kind_name(event.kind)},
                                                     {"message", event.message},
                                                     {"detail", ec ? json::value() : detail}}));
}

void RunManager::on_run_phase(Entry& entry, journal::Phase phase) {
  ActiveRunState state;
  {
    std::lock_guard lock(runs_mutex_);
    entry.state.phase = journal::phase_name(phase);
    if (phase == journal::Phase::kInjecting) entry.state.injecting_since_unix_ms = clock_.unix_ms();
    state = entry.state;
  }
  publish_state(state);
}

void RunManager::on_run_fault(Entry& entry, int delta) {
  ActiveRunState state;
  {
    std::lock_guard lock(runs_mutex_);
    entry.state.active_faults = std::max(0, entry.state.active_faults + delta);
    state = entry.state;
  }
  publish_state(state);
}

void RunManager::on_run_done(Entry& entry, const std::string& verdict, const std::string& reason) {
  ActiveRunState state;
  std::optional<HaltState> halt_finished;
  {
    std::lock_guard lock(runs_mutex_);
    entry.state.done = true;
    entry.state.verdict = verdict;
    entry.state.reason = reason;
    entry.state.phase = "done";
    entry.state.active_faults = 0;
    state = entry.state;
    if (halting_.erase(state.run_id) != 0 && halting_.size() == (halting_.count(0) ? 1u : 0u)) {
      halting_.clear();
      halt_.done_unix_ms = clock_.unix_ms();
      halt_finished = halt_;
    }
    runs_changed_.notify_all();
  }
  publish_state(state);
  if (entry.on_done) entry.on_done(state);
  if (halt_finished) {
    json::array ids(halt_finished->runs.begin(), halt_finished->runs.end());
    hub_.publish("halt_done",
                 json::serialize(json::object{
                     {"requested_unix_ms", halt_finished->requested_unix_ms},
                     {"done_unix_ms", halt_finished->done_unix_ms},
                     {"ms", halt_finished->done_unix_ms - halt_finished->requested_unix_ms},
                     {"runs", ids}}));
  }
}

Status RunManager::abort(int64_t run_id, const std::string& reason) {
  std::lock_guard lock(runs_mutex_);
  for (auto& [key, entry] : runs_) {
    if (entry->state.run_id == run_id && !entry->state.done) {
      if (entry->run != nullptr) entry->run->request_abort(reason);
      return Status::ok();
    }
  }
  return Status::not_found("run " + std::to_string(run_id) + " is not running");
}

std::vector<int64_t> RunManager::halt(const std::string& reason) {
  std::vector<int64_t> ids;
  HaltState snapshot;
  {
    std::lock_guard lock(runs_mutex_);
    halt_ = HaltState{clock_.unix_ms(), 0, {}};
    for (auto& [key, entry] : runs_) {
      if (entry->state.done) continue;
      if (entry->run != nullptr) entry->run->request_abort(reason);
      ids.push_back(entry->state.run_id);
      halting_.insert(entry->state.run_id);
    }
    halt_.runs = ids;
    if (ids.empty()) halt_.done_unix_ms = halt_.requested_unix_ms;
    snapshot = halt_;
  }
  json::array list(ids.begin(), ids.end());
  hub_.publish("halt", json::serialize(json::object{
                           {"requested_unix_ms", snapshot.requested_unix_ms},
                           {"runs", list}}));
  if (ids.empty()) {
    hub_.publish("halt_done", json::serialize(json::object{
                                  {"requested_unix_ms", snapshot.requested_unix_ms},
                                  {"done_unix_ms", snapshot.done_unix_ms},
                                  {"ms", 0},
                                  {"runs", json::array()}}));
  }
  return ids;
}

std::vector<ActiveRunState> RunManager::active() const {
  std::lock_guard lock(runs_mutex_);
  std::vector<ActiveRunState> out;
  for (const auto& [key, entry] : runs_) {
    if (!entry->state.done) out.push_back(entry->state);
  }
  return out;
}

HaltState RunManager::last_halt() const {
  std::lock_guard lock(runs_mutex_);
  return halt_;
}

int RunManager::active_faults() const {
  std::lock_guard lock(runs_mutex_);
  int n = 0;
  for (const auto& [key, entry] : runs_) n += entry->state.done ? 0 : entry->state.active_faults;
  return n;
}

void RunManager::wait_idle() {
  std::unique_lock lock(runs_mutex_);
  runs_changed_.wait(lock, [&] {
    for (const auto& [key, entry] : runs_) {
      if (!entry->state.done) return false;
    }
    return true;
  });
}

void RunManager::publish_state(const ActiveRunState& state) {
  hub_.publish("status", state_json(state, clock_.unix_ms()));
}

std::string RunManager::state_json(const ActiveRunState& s, int64_t now_unix_ms) {
  json::object o{{"run_id", s.run_id},
                 {"experiment", s.experiment},
                 {"phase", s.phase},
                 {"started_unix_ms", s.started_unix_ms},
                 {"elapsed_ms", now_unix_ms - s.started_unix_ms},
                 {"method_length_ms", s.method_length_ms},
                 {"active_faults", s.active_faults},
                 {"done", s.done},
                 {"verdict", s.verdict}};
  // Time remaining is known while injecting: the method's planned length from the dry run.
  if (s.phase == "injecting" && s.injecting_since_unix_ms != 0 && s.method_length_ms > 0) {
    o["remaining_ms"] =
        std::max<int64_t>(0, s.injecting_since_unix_ms + s.method_length_ms - now_unix_ms);
  } else {
    o["remaining_ms"] = nullptr;
  }
  return json::serialize(o);
}

}  // namespace chaos::server
