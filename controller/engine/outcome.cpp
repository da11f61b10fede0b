#include "engine/outcome.h"

namespace chaos::engine {

bool Outcome::end(Verdict verdict, std::string reason) {
  if (cause_) return false;
  cause_ = Cause{verdict, std::move(reason)};
  return true;
}

Verdict Outcome::verdict() const {
  if (cause_) return cause_->verdict;
  return deviations_.empty() ? Verdict::kPassed : Verdict::kDeviated;
}

std::string Outcome::reason() const {
  if (cause_) {
    if (cause_->verdict == Verdict::kNotSteady && cause_->reason.empty()) {
      return "the steady state did not hold before injecting, so nothing was injected";
    }
    return cause_->reason;
  }
  if (deviations_.empty()) return "the steady state held before, during and after the faults";
  std::string reason;
  for (const auto& d : deviations_) reason += (reason.empty() ? "" : "; ") + d;
  return reason;
}

}  // namespace chaos::engine
