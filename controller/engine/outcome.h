#pragma once
// Outcome: what the verdict of a run will be, decided as the run goes. The first cause that
// ends a run early — an abort (operator or guardrail), an error, a baseline that did not hold —
// wins; what goes wrong after it is a consequence, recorded in the journal but not the reason.
// Deviations (the hypothesis failing) accumulate and decide the verdict only when nothing
// ended the run early.
//
// Thread-safety: one thread (the run's event loop).

#include <optional>
#include <string>
#include <vector>

#include "engine/verdict.h"

namespace chaos::engine {

class Outcome {
 public:
  // Ends the run as `verdict` (aborted, errored or not_steady) for `reason`, unless an earlier
  // cause already did. Returns whether this was the first cause.
  bool end(Verdict verdict, std::string reason);
  // The hypothesis failed: `why`, for people.
  void deviate(std::string why) { deviations_.push_back(std::move(why)); }

  bool ended() const { return cause_.has_value(); }
  bool ended_as(Verdict verdict) const { return cause_ && cause_->verdict == verdict; }
  Verdict verdict() const;
  std::string reason() const;

 private:
  struct Cause {
    Verdict verdict;
    std::string reason;
  };
  std::optional<Cause> cause_;
  std::vector<std::string> deviations_;
};

}  // namespace chaos::engine
