#pragma once
// ScheduleConfig: the scheduling part of `chaosctl serve`'s configuration — schedules, blackout
// windows and the run-length bound — read from flags and from a schedule file, with one syntax
// for both:
//
//   --schedule "[TZ=ZONE] CRON FILE [max-run=DURATION] [notify=URL]... "
//   --blackout "WINDOW"            (blackout.h)
//   --max-run DURATION             the bound for every schedule and API start
//   --schedule-file FILE           lines "schedule ...", "blackout ...", "max-run ..."; '#'
//                                  starts a comment; blank lines are skipped
//
// Per-schedule options come after the experiment file: `max-run=` replaces --max-run for that
// schedule; `notify=URL` is told of each firing (a run started, or refused and why) and of the
// verdict; `notify-start=URL` only of firings; `notify-verdict=URL` only of verdicts. Each may
// be repeated.
//
// Only parsing happens here: whether each experiment is valid is the caller's to check.
// Plain data; not thread-safe while being filled.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "scheduler/blackout.h"
#include "scheduler/scheduler.h"

namespace chaos::scheduler {

// One "CRON FILE [OPTION=VALUE]..." into a schedule. Errors name the part: the cron field,
// "max-run: ...", "notify: ...", or an unknown option.
Result<Schedule> parse_schedule(std::string_view text);
// "45m" etc. (common/duration.h); more than zero. Errors name the value, not the flag.
Result<int64_t> parse_max_run_ms(std::string_view text);

struct ScheduleConfig {
  std::vector<Schedule> schedules;
  std::vector<BlackoutWindow> blackouts;
  std::optional<int64_t> max_run_ms;  // --max-run; per-schedule max-run= wins over it

  // Each returns an error that starts with the flag, e.g. "--blackout 'Fri 16:00': ...".
  Status add_schedule(std::string_view text);
  Status add_blackout(std::string_view text);
  Status set_max_run(std::string_view text);
  // Errors read "FILE:LINE: ...".
  Status load_file(const std::string& path);
};

}  // namespace chaos::scheduler
