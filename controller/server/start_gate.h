#pragma once
// StartGate: the one door runs come through in `chaosctl serve`, whether a schedule fired or
// someone POSTed /api/v1/runs. It reads the experiment and checks it (a dry run), refuses a
// start inside a blackout window or one whose maximum length would run into one, and starts the
// rest (RunManager). Every refusal — blackout, still running, invalid experiment — is recorded
// in the store (store/refusal_log.h) with who asked and why.
//
// A run's maximum length is the larger of
//   - the experiment's planned worst case: baseline timeout + method length (the dry run's) +
//     recovery timeout, and
//   - the max-run bound: the schedule's own max-run=, else serve's --max-run, else none,
// so --max-run covers what a dry run cannot know (a method that loops on live measurements)
// without ever shortening what the experiment itself declares. The check is made at the start;
// a run that outlasts its bound into a window is not stopped by it.
//
// Thread-safety: start() and the readers may be called from any thread; the refusal log is
// guarded by log_mutex_.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "plugin_host/plugin_registry.h"
#include "scheduler/blackout.h"
#include "server/run_manager.h"
#include "store/refusal_log.h"

namespace chaos::server {

struct StartRequest {
  std::string experiment;
  std::string origin = "api";         // or "schedule"
  std::string schedule;               // its cron expression, when origin is "schedule"
  std::optional<int64_t> max_run_ms;  // the schedule's own bound, replacing --max-run
  // When the run ends (with the experiment's title filled in); never for a refused start.
  RunManager::DoneCallback on_done;
};

struct StartOutcome {
  Status status;  // OK: started. NotFound, InvalidArgument (bad experiment), Failed (running,
                  // blackout)
  int64_t run_id = 0;
  std::string title;          // the experiment's, once it was read
  int64_t max_length_ms = 0;  // what the blackout check assumed
  std::optional<scheduler::BlackoutCalendar::Conflict> blackout;  // the window that refused it
};

class StartGate {
 public:
  // Opens the refusal log in the database at `db_path`.
  static Result<std::unique_ptr<StartGate>> open(scheduler::BlackoutCalendar calendar,
                                                 std::optional<int64_t> max_run_ms,
                                                 const std::string& db_path,
                                                 const plugin_host::PluginRegistry& registry,
                                                 RunManager& runs, Clock& clock);

  StartOutcome start(const StartRequest& request);

  const scheduler::BlackoutCalendar& calendar() const { return calendar_; }
  std::optional<int64_t> max_run_ms() const { return max_run_ms_; }
  // Newest first. A log that cannot be read gives an empty list (and says so on stderr).
  std::vector<store::RefusalRecord> recent_refusals(int limit);
  std::vector<store::RefusalRecord> schedule_refusals(const std::string& schedule,
                                                      const std::string& experiment, int limit);
  int64_t schedule_refusal_count(const std::string& schedule, const std::string& experiment);

 private:
  StartGate(scheduler::BlackoutCalendar calendar, std::optional<int64_t> max_run_ms,
            std::unique_ptr<store::RefusalLog> log, const plugin_host::PluginRegistry& registry,
            RunManager& runs, Clock& clock);
  StartOutcome refuse(const StartRequest& request, StartOutcome outcome);

  const scheduler::BlackoutCalendar calendar_;
  const std::optional<int64_t> max_run_ms_;
  const plugin_host::PluginRegistry& registry_;
  RunManager& runs_;
  Clock& clock_;
  std::mutex log_mutex_;
  std::unique_ptr<store::RefusalLog> log_;  // guarded by log_mutex_
};

}  // namespace chaos::server
