// The Run as the script's host: chaos.inject / fault:stop / fault:update go to the FaultSet,
// chaos.sleep schedules the coroutine's next step on the loop, and what plugins report while
// their faults are on is journaled or stored.
#include <algorithm>
#include <boost/json.hpp>

#include "engine/run.h"

namespace chaos::engine {

using journal::EventKind;

Result<ScriptHost::Injected> Run::inject(const std::string& kind, const boost::json::value& params,
                                         std::optional<std::chrono::microseconds> duration,
                                         const std::string& name) {
  if (abort_requests_ > 0 || outcome_.ended_as(Verdict::kAborted)) {
    return Status::aborted("the run is aborting");
  }
  if (!faults_) return Status::invalid_argument(kNoFaultsAtTheTop);
  auto started = faults_->start(kind, params, duration, name);
  if (!started) return started.status();
  return Injected{started->id, started->name};
}

Status Run::stop_fault(journal::FaultId id) {
  if (!faults_) return Status::not_found("no fault with id " + std::to_string(id));
  return faults_->stop(id, "the script stopped it");
}

Status Run::update_fault(journal::FaultId id, const boost::json::value& changes) {
  if (!faults_) return Status::not_found("no fault with id " + std::to_string(id));
  return faults_->update(id, changes);
}

bool Run::run_task(ScriptTask& task, const std::function<bool()>& stop,
                   std::optional<SteadyTime> deadline) {
  drive(task);
  loop_.run_until([&] { return task.done || stop(); }, deadline);
  if (!task.done) loop_.cancel(task.timer);
  return task.done;
}

// Resumes the script once; if it went to sleep, wakes it again when the sleep is over.
void Run::drive(ScriptTask& task) {
  wake_request_.reset();
  switch (task.coroutine->resume()) {
    case LuaCoroutine::Step::kFinished:
      task.done = true;
      return;
    case LuaCoroutine::Step::kFailed:
      task.error = task.coroutine->error();
      task.done = true;
      return;
    case LuaCoroutine::Step::kYielded:
      if (!wake_request_) {
        task.error = "the script yielded without chaos.sleep";
        task.done = true;
        return;
      }
      task.timer = loop_.at(clock_.now() + *wake_request_, [this, &task] { drive(task); });
  }
}

void Run::wake_after(std::chrono::microseconds delay) { wake_request_ = delay; }

void Run::log(const std::string& message) { journal_.record(EventKind::kLog, message); }

double Run::seconds_since_start() {
  return std::chrono::duration<double>(clock_.now() - started_).count();
}

void Run::fault_started(const FaultInfo& fault) {
  observer_.on_fault_started(fault, seconds_since_start());
}

void Run::fault_ended(const FaultInfo& fault, bool cleanly) {
  observer_.on_fault_ended(fault, cleanly, seconds_since_start());
}

void Run::fault_statuses(std::vector<FaultStatus> statuses) {
  std::vector<store::FaultStatusRecord> records;
  records.reserve(statuses.size());
  for (FaultStatus& status : statuses) {
    records.push_back({journal_.run_id(), status.fault.id, status.fault.name, status.fault.kind,
                       status.unix_ms, status.final, std::move(status.json)});
  }
  Status st = journal_.store().append_fault_statuses(records);
  if (!st && !statuses_unstored_) {
    statuses_unstored_ = true;  // once: the next poll would fail the same way
    end(Verdict::kErrored, "cannot store fault statuses: " + st.message());
  }
}

void Run::fault_failed(const Status& status) {
  end(Verdict::kErrored, "a fault did not stop when its duration was over: " + status.message());
}

void Run::fault_log(const std::string& fault, chaos_log_level level, std::string message) {
  static const char* kLevels[] = {"debug", "info", "warn", "error"};
  const char* level_name = kLevels[std::clamp<int>(level, 0, 3)];
  loop_.post([this, fault, level_name, message = std::move(message)] {
    journal_.record(
        EventKind::kPluginLog, fault + ": " + message,
        boost::json::serialize(boost::json::object{{"fault", fault}, {"level", level_name}}));
  });
}

void Run::fault_metric(const std::string& fault, std::string name, double value, int64_t unix_ms) {
  loop_.post([this, series = fault + "." + name, value, unix_ms] {
    store::SampleRecord s;
    s.series = series;
    s.unix_ms = unix_ms ? unix_ms : clock_.unix_ms();
    s.value = value;
    s.phase = journal::phase_name(journal_.phase());
    record_sample(std::move(s));
  });
}

void Run::fault_event(const std::string& fault, std::string kind, std::string detail_json) {
  loop_.post([this, fault, kind = std::move(kind), detail = std::move(detail_json)] {
    journal_.record(EventKind::kPluginEvent, fault + ": " + kind, detail);
  });
}

}  // namespace chaos::engine
