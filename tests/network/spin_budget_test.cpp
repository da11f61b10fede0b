// SpinBudget: the share of wall time a proxy may busy-wait, over a sliding window, on a fake
// timeline.

#include "spin_budget.h"

#include <gtest/gtest.h>

namespace chaos::network {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1);

TEST(SpinBudgetTest, AllowsSpinningUntilTheShareOfTheWindowIsSpent) {
  SpinBudget b(0.02);  // 20 ms per second
  EXPECT_TRUE(b.allows(t0));
  b.charge(t0, milliseconds(19));
  EXPECT_TRUE(b.allows(t0 + milliseconds(1)));
  b.charge(t0 + milliseconds(1), milliseconds(1));
  EXPECT_FALSE(b.allows(t0 + milliseconds(2)));
  EXPECT_EQ(b.spent(t0 + milliseconds(2)), milliseconds(20));
}

TEST(SpinBudgetTest, SpentTimeLeavesTheWindowAfterOneWindow) {
  SpinBudget b(0.02);
  b.charge(t0, milliseconds(20));
  EXPECT_FALSE(b.allows(t0 + milliseconds(500)));
  EXPECT_FALSE(b.allows(t0 + milliseconds(900)));
  // One window (plus at most one slot) later it is forgotten.
  EXPECT_TRUE(b.allows(t0 + SpinBudget::kWindow + SpinBudget::kWindow / SpinBudget::kSlots));
  EXPECT_EQ(b.spent(t0 + std::chrono::seconds(5)), Clock::duration::zero());
}

TEST(SpinBudgetTest, ASteadyDemandGetsTheShareOverAnyWindow) {
  // A pipe that would spin 400 us every 2 ms (20 %) gets about 2 % of every second.
  SpinBudget b(0.02);
  Clock::duration total{};
  for (auto now = t0; now < t0 + std::chrono::seconds(10); now += milliseconds(2)) {
    if (!b.allows(now)) continue;
    b.charge(now + microseconds(400), microseconds(400));
    total += microseconds(400);
    // Never more than the share plus one spin's overrun in the last window.
    EXPECT_LE(b.spent(now + microseconds(400)), milliseconds(20) + microseconds(400));
  }
  EXPECT_GE(total, milliseconds(190));  // ~10 s x 2 %
  EXPECT_LE(total, milliseconds(210) + SpinBudget::kWindow / 50);
}

}  // namespace
}  // namespace chaos::network
