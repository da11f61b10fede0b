#pragma once
// The "text" of a run's webhook notices (Slack shows that field), in one place so a channel
// reads the same whether the run was scheduled by `serve` or started by `chaosctl run
// --notify`.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>

namespace chaos::notify {

// "run 42, DB slowdown (experiments/db_slowdown.lua)"; without "run N, " when run_id is 0,
// and just the path when there is no title.
std::string run_name(int64_t run_id, const std::string& title, const std::string& experiment);

// "chaosctl: run 42, DB slowdown (experiments/db_slowdown.lua) ended deviated: REASON"
std::string verdict_text(int64_t run_id, const std::string& title, const std::string& experiment,
                         const std::string& verdict, const std::string& reason);

}  // namespace chaos::notify
