#pragma once
// Verdicts of a run and the exit codes of `chaosctl run` (documented in the README).

#include <cstdint>
#include <string>

namespace chaos::engine {

enum class Verdict { kPassed, kDeviated, kNotSteady, kAborted, kErrored };

inline const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kPassed: return "passed";
    case Verdict::kDeviated: return "deviated";
    case Verdict::kNotSteady: return "not_steady";
    case Verdict::kAborted: return "aborted";
    case Verdict::kErrored: return "errored";
  }
  return "errored";
}

// 0 passed, 1 deviated, 2 not_steady, 3 aborted, 4 errored. (64 is a usage error.)
inline int exit_code(Verdict v) { return static_cast<int>(v); }

struct RunOutcome {
  int64_t run_id = 0;
  Verdict verdict = Verdict::kErrored;
  std::string reason;
};

}  // namespace chaos::engine
