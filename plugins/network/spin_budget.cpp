#include "spin_budget.h"

#include <algorithm>

namespace chaos::network {

void SpinBudget::advance(Clock::time_point now) {
  const int64_t slot = now.time_since_epoch() / kSlot;
  if (slot <= current_) return;
  // Slots that fell out of the window start empty again.
  const int64_t stale = std::min<int64_t>(slot - current_, static_cast<int64_t>(kSlots));
  for (int64_t i = 1; i <= stale; ++i)
    slots_[static_cast<size_t>((current_ + i) % static_cast<int64_t>(kSlots))] = {};
  current_ = slot;
}

Clock::duration SpinBudget::spent(Clock::time_point now) {
  advance(now);
  Clock::duration total{};
  for (const Clock::duration& s : slots_) total += s;
  return total;
}

bool SpinBudget::allows(Clock::time_point now) {
  const auto limit = std::chrono::duration_cast<Clock::duration>(kWindow * fraction_);
  return spent(now) < limit;
}

void SpinBudget::charge(Clock::time_point now, Clock::duration spent) {
  advance(now);
  slots_[static_cast<size_t>(current_ % static_cast<int64_t>(kSlots))] += spent;
}

}  // namespace chaos::network
