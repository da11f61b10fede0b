#pragma once
// Blackout windows: stretches of wall-clock time in a zone when no run may begin (a change
// freeze, the weekend, the holidays), for `chaosctl serve --blackout`.
//
//   weekly   "Fri 16:00-Mon 08:00 Europe/Berlin"   may wrap across the end of the week
//   daily    "22:00-06:00 America/New_York"        every day; may wrap across midnight
//   dated    "2026-12-24 00:00-2026-12-27 00:00 Europe/Berlin"
//
// The zone is optional (UTC without one). Days are mon..sun (or monday..sunday); times HH:MM.
// The start is inclusive, the end exclusive. Across daylight-saving changes a window keeps its
// wall-clock times: a boundary in a skipped hour falls at the change, and a boundary in a
// repeated hour is read so that the window covers both passes (start at the first, end at the
// second).
//
// Immutable after parse; thread-safe.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "scheduler/time_zone.h"

namespace chaos::scheduler {

// One occurrence of a window, in Unix milliseconds: [start, end).
struct BlackoutOccurrence {
  int64_t start_unix_ms = 0;
  int64_t end_unix_ms = 0;
  bool operator==(const BlackoutOccurrence&) const = default;
};

class BlackoutWindow {
 public:
  // Errors name the part that is wrong: "end time: '25:00' is not a time (HH:MM, ...)".
  static Result<BlackoutWindow> parse(std::string_view text);

  const std::string& text() const { return text_; }
  const TimeZone& time_zone() const { return zone_; }

  // The earliest occurrence that overlaps [from, to), or nullopt. REQUIRES: from < to.
  std::optional<BlackoutOccurrence> first_overlap(int64_t from_unix_ms, int64_t to_unix_ms) const;

 private:
  enum class Kind { kWeekly, kDaily, kDated };
  BlackoutOccurrence occurrence(std::chrono::local_seconds start,
                                std::chrono::local_seconds end) const;

  std::string text_;
  Kind kind_ = Kind::kDated;
  TimeZone zone_;
  // Weekly and daily: offsets from the period's start (Monday 00:00, or midnight); an end at
  // or before the start wraps into the next period.
  std::chrono::seconds start_offset_{0};
  std::chrono::seconds end_offset_{0};
  // Dated.
  std::chrono::local_seconds start_{};
  std::chrono::local_seconds end_{};
};

// Every window `serve` was given.
class BlackoutCalendar {
 public:
  struct Conflict {
    const BlackoutWindow* window = nullptr;  // points into this calendar
    BlackoutOccurrence occurrence;
    bool inside = false;  // the start itself is inside; else the run would run into it
  };

  BlackoutCalendar() = default;
  explicit BlackoutCalendar(std::vector<BlackoutWindow> windows) : windows_(std::move(windows)) {}

  // The window a run starting at `start_unix_ms` and lasting up to `length_ms` would meet
  // first: one in force at the start, else the one that begins earliest before the run's end.
  std::optional<Conflict> conflict(int64_t start_unix_ms, int64_t length_ms) const;
  const std::vector<BlackoutWindow>& windows() const { return windows_; }
  bool empty() const { return windows_.empty(); }

 private:
  std::vector<BlackoutWindow> windows_;
};

}  // namespace chaos::scheduler
