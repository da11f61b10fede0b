#pragma once
// Scheduler: starts experiments on cron schedules (cron.h), for game days and regular checks,
// inside `chaosctl serve`. A schedule fires at most once per due time: if its experiment is
// still running (or the start fails), that firing is recorded as skipped with the reason, and
// the next one is computed from now. Firings missed while the server was down are not made up.
//
// The starting itself is the caller's (the server validates and starts a run); the scheduler
// only decides when. fire_due() is the whole decision, so tests drive it with any time.
//
// Thread-safety: start()/stop() from one thread; status() and fire_due() from any thread.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "scheduler/cron.h"

namespace chaos::scheduler {

// What a schedule asks for besides its time (schedule_config.h has the syntax).
struct ScheduleOptions {
  std::optional<int64_t> max_run_ms;        // replaces the server's --max-run for this schedule
  std::vector<std::string> notify_firing;   // told when a firing starts a run or is refused
  std::vector<std::string> notify_verdict;  // told when a run it started ends
};

struct Schedule {
  CronSchedule cron;
  std::string experiment;  // the file to run
  ScheduleOptions options;
};

struct ScheduleStatus {
  std::string expression;  // as given, with its TZ= prefix if any
  std::string time_zone;   // "UTC" without one
  std::string experiment;
  ScheduleOptions options;
  int64_t next_unix_ms = 0;        // 0: never again
  int64_t last_fired_unix_ms = 0;  // 0: not yet
  int64_t last_run_id = 0;         // the run the last firing started, 0 if none
  std::string last_skip_reason;    // why the last firing started nothing, "" if it did
  int64_t runs_started = 0;
  int64_t firings_skipped = 0;
};

class Scheduler {
 public:
  // Starts a run of the schedule's experiment; returns its id, or why it cannot start (a
  // blackout window, still running, ...). Called on the scheduler's thread, or fire_due()'s.
  using Starter = std::function<Result<int64_t>(const Schedule& schedule)>;
  // Called after each firing (for the live stream and the log).
  using Reporter = std::function<void(const ScheduleStatus&)>;

  Scheduler(std::vector<Schedule> schedules, Clock& clock, Starter starter,
            Reporter reporter = nullptr);
  ~Scheduler();  // stops

  // Fires, on a thread, each schedule when it is due.
  void start();
  void stop();

  // Fires every schedule whose next time is at or before `now_unix_ms`; returns how many fired.
  int fire_due(int64_t now_unix_ms);
  std::vector<ScheduleStatus> status() const;

 private:
  void loop();
  int64_t next_due() const;  // REQUIRES: mutex_ held. INT64_MAX when nothing is ahead.

  struct Entry {
    Schedule schedule;
    ScheduleStatus status;
  };

  Clock& clock_;
  Starter starter_;
  Reporter reporter_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Entry> entries_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chaos::scheduler
