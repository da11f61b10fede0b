#pragma once
// CronSchedule: a cron expression, and the next time it fires.
//
//   [TZ=ZONE] [second] minute hour day-of-month month day-of-week
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
// Time zone: the fields are wall-clock time in ZONE (`TZ=Europe/Berlin` or `CRON_TZ=...`, an
// IANA name from the system's database), in UTC without one. Daylight-saving changes are handled
// as cronie (and Vixie cron) do, for "fixed-time" schedules only, i.e. those with no `*` at the
// start of the minute or hour field (so @hourly is not one, @daily is):
//   - spring forward: a time that does not exist that day (02:30 in Europe/Berlin on the last
//     Sunday of March) fires once, at the moment of the change (03:00 local);
//   - fall back: a time that happens twice (02:30 on the last Sunday of October) fires once, the
//     first time (02:30 CEST), not again an hour later.
// Other schedules follow the wall clock as it runs: `*/15 * * * *` fires every 15 minutes of
// real time through both changes, and a `30 * * * *` has no 02:30 on the spring-forward day
// and two on the fall-back day.
//
// Immutable after parse; thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "scheduler/time_zone.h"

namespace chaos::scheduler {

class CronSchedule {
 public:
  // Errors name the field and the problem, e.g. "hour: 24 is out of range 0-23", or
  // "time zone: 'Europe/Berln' is not in the system's time-zone database ...".
  // An expression that matches no date within five years ("0 0 30 2 *") is refused too.
  static Result<CronSchedule> parse(std::string_view expression);

  // The first time strictly after `unix_ms` that matches, in Unix milliseconds (on a whole
  // second); nullopt if none within five years.
  std::optional<int64_t> next_after(int64_t unix_ms) const;

  // As given (trimmed), with its TZ= prefix if any.
  const std::string& expression() const { return expression_; }
  const TimeZone& time_zone() const { return zone_; }
  // Whether the daylight-saving rules above apply (no `*` in minute or hour).
  bool fixed_time() const { return fixed_time_; }

 private:
  bool day_matches(int day_of_month, int day_of_week) const;
  // The first wall-clock time in [from, limit) the fields match.
  std::optional<std::chrono::local_seconds> next_wall_match(std::chrono::local_seconds from,
                                                            std::chrono::local_seconds limit) const;

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
  bool fixed_time_ = false;
  TimeZone zone_;  // UTC unless TZ= names one
};

}  // namespace chaos::scheduler
