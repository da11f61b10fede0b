#pragma once
// RefusalLog: the starts `chaosctl serve` refused — inside a blackout window, a run that would
// run into one, an experiment still running or invalid — from a schedule or the API. A refusal
// has no run, so it is not a run event: it has its own table (schema version 4) in the same
// database file as the journal.
//
// Thread-safety: one thread at a time, like Store (its own connection). Several processes may
// open the same file.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace chaos::store {

class SqliteDatabase;

struct RefusalRecord {
  int64_t id = 0;  // assigned by the log
  int64_t unix_ms = 0;
  std::string origin;      // "schedule" or "api"
  std::string experiment;  // the file that was to run
  std::string schedule;    // the cron expression, for a schedule's firing; "" from the API
  std::string blackout;    // the window's text when one was the reason, else ""
  std::string message;     // the reason, for people
};

class RefusalLog {
 public:
  // Opens (or creates) the database at `path` and brings its schema up to date.
  static Result<std::unique_ptr<RefusalLog>> open(const std::string& path);
  ~RefusalLog();
  RefusalLog(const RefusalLog&) = delete;
  RefusalLog& operator=(const RefusalLog&) = delete;

  // Durable on return; returns the id. `record.id` is ignored.
  Result<int64_t> append(const RefusalRecord& record);
  // Newest first, at most `limit`.
  Result<std::vector<RefusalRecord>> recent(int limit);
  // Newest first: those of one schedule (its expression and experiment).
  Result<std::vector<RefusalRecord>> recent_for_schedule(const std::string& schedule,
                                                         const std::string& experiment, int limit);
  // How many there are for one schedule, in all.
  Result<int64_t> count_for_schedule(const std::string& schedule, const std::string& experiment);

 private:
  explicit RefusalLog(std::unique_ptr<SqliteDatabase> db);
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace chaos::store
