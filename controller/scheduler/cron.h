#pragma once
// CronSchedule: a cron expression, and the next time it fires. Times are UTC.
//
//   [second] minute hour day-of-month month day-of-week
//
// Five fields as in crontab(5), or six with a leading seconds field (as Quartz and robfig/cron
// allow) for short, frequent schedules. Each field is a comma-separated list of `*`, `N`, `N-M`,
// each optionally with a step `/S` (`N/S` means from N to the field's end). Months and days of
// the week also take names (jan..dec, sun..sat); day of week 7 is Sunday, as 0 is. When both
// day-of-month and day-of-week are restricted (neither starts with `*`), a day matches if
// EITHER does, as in Vixie cron ("0 9 1 * mon": the 1st and every Monday). Macros: @yearly
// (@annually), @monthly, @weekly, @daily (@midnight), @hourly.
//
// Not supported, refused with a message: `?`, `L`, `W`, `#` (Quartz extensions) and @reboot.
//
// Immutable after parse; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace chaos::scheduler {

class CronSchedule {
 public:
  // Errors name the field and the problem, e.g. "hour: 24 is out of range 0-23".
  // An expression that matches no date within five years ("0 0 30 2 *") is refused too.
  static Result<CronSchedule> parse(std::string_view expression);

  // The first time strictly after `unix_ms` that matches, in Unix milliseconds (on a whole
  // second); nullopt if none within five years.
  std::optional<int64_t> next_after(int64_t unix_ms) const;

  const std::string& expression() const { return expression_; }

 private:
  bool day_matches(int day_of_month, int day_of_week) const;

  std::string expression_;
  // One bit per allowed value.
  uint64_t seconds_ = 0;        // 0..59
  uint64_t minutes_ = 0;        // 0..59
  uint64_t hours_ = 0;          // 0..23
  uint64_t days_of_month_ = 0;  // 1..31
  uint64_t months_ = 0;         // 1..12
  uint64_t days_of_week_ = 0;   // 0 (Sunday)..6
  bool day_of_month_restricted_ = false;
  bool day_of_week_restricted_ = false;
};

}  // namespace chaos::scheduler
