#pragma once
// TimeZone: an IANA time zone ("Europe/Berlin") from the system's tz database
// (/usr/share/zoneinfo, Debian's tzdata), read through Howard Hinnant's date/tz library: GCC 12's
// <chrono> has no time-zone database. Schedules and blackout windows name one; UTC when none.
//
// Wall-clock times are std::chrono::local_seconds (no zone attached); instants are sys_seconds.
// Known limit of the system database as this library reads it: no daylight-saving changes are
// applied after 2037 (the last transition stored in the zone files).
//
// Immutable, cheap to copy; thread-safe (the database is loaded once, on first use).

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace date {
class time_zone;
}

namespace chaos::scheduler {

class TimeZone {
 public:
  // A stretch of time with one UTC offset: [begin, end).
  struct Span {
    std::chrono::sys_seconds begin;
    std::chrono::sys_seconds end;
    std::chrono::seconds offset{0};  // local = utc + offset
  };

  TimeZone() = default;  // UTC
  // InvalidArgument naming the zone when the database has no such zone (or cannot be read).
  static Result<TimeZone> find(std::string_view name);

  const std::string& name() const { return name_; }
  bool is_utc() const { return zone_ == nullptr; }

  // The span of one offset that contains `t`.
  Span span_at(std::chrono::sys_seconds t) const;
  // The instant a wall-clock time names. A time skipped by a change (02:30 on a spring-forward
  // day) names the instant of the change; a time that happens twice names its first occurrence,
  // or its second when `latest`.
  std::chrono::sys_seconds to_utc(std::chrono::local_seconds wall, bool latest = false) const;
  std::chrono::local_seconds to_local(std::chrono::sys_seconds t) const;
  // For people: "2026-03-29 03:00:00 CEST".
  std::string format(int64_t unix_ms) const;

 private:
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC; owned by the database
  std::string name_ = "UTC";
};

}  // namespace chaos::scheduler
