#pragma once
// RunOwner: which process runs a run, recorded with the run when it begins, so a later chaosctl
// on the same store can tell a live controller's run (left alone) from a dead one's
// (reconciled). A pid alone is not enough: pids are reused, so the owner is the pid, the
// process's start time (in clock ticks since boot, /proc/PID/stat field 22) and the boot id.
//
// Thread-safety: plain values; alive() reads /proc.

#include <cstdint>
#include <optional>
#include <string>

namespace chaos::engine {

struct RunOwner {
  int64_t pid = 0;
  int64_t pid_start = 0;  // 0: not recorded (a run stored by an older chaosctl)
  std::string boot_id;    // empty: not recorded

  // This process.
  static RunOwner current();
  // The owner recorded in a run's summary_json; nullopt when there is none (the run was
  // stored before owners were, or its summary is something else).
  static std::optional<RunOwner> from_summary(const std::string& summary_json);
  std::string to_summary() const;  // {"pid":..,"pid_start":..,"boot_id":".."}

  // Whether this process still runs: same boot, the pid exists, and it started when recorded.
  bool alive() const;
};

}  // namespace chaos::engine
