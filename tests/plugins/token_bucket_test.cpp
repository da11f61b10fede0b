// TokenBucket: the long-run rate, the burst, and live changes, on a fake timeline.

#include "token_bucket.h"

#include <gtest/gtest.h>

namespace chaos::network {
namespace {

using std::chrono::milliseconds;
const Clock::time_point t0 = Clock::time_point() + std::chrono::hours(1);

TEST(TokenBucketTest, UnlimitedUntilARateIsSet) {
  TokenBucket b;
  EXPECT_FALSE(b.limited());
  b.set_rate(100000, t0);
  EXPECT_TRUE(b.limited());
  EXPECT_EQ(b.burst(), 5000u);  // 50 ms worth
  EXPECT_EQ(b.available(t0), 5000u);
}

TEST(TokenBucketTest, TheBurstIsBoundedAndSmallRatesStillTrickle) {
  EXPECT_EQ(TokenBucket::burst_for(100), 100u);
  EXPECT_EQ(TokenBucket::burst_for(10000), 1024u);
  EXPECT_EQ(TokenBucket::burst_for(1ull << 30), 64u * 1024);
}

TEST(TokenBucketTest, SpendingWaitsForTheRate) {
  TokenBucket b;
  b.set_rate(100000, t0);
  b.spend(b.available(t0));
  EXPECT_EQ(b.available(t0), 0u);
  EXPECT_EQ(b.time_until(1000, t0), t0 + milliseconds(10));
  EXPECT_EQ(b.available(t0 + milliseconds(10)), 1000u);
  EXPECT_EQ(b.available(t0 + std::chrono::seconds(5)), 5000u);  // never more than the burst
}

TEST(TokenBucketTest, TheLongRunRateIsTheConfiguredOne) {
  TokenBucket b;
  b.set_rate(64 * 1024, t0);
  uint64_t sent = 0;
  Clock::time_point now = t0;
  while (sent < 10 * 64 * 1024) {
    const size_t n = b.available(now);
    if (n == 0) {
      now = b.time_until(b.burst(), now);
      continue;
    }
    b.spend(n);
    sent += n;
  }
  const double seconds = std::chrono::duration<double>(now - t0).count();
  EXPECT_NEAR(static_cast<double>(sent) / seconds, 64 * 1024, 64 * 1024 * 0.02);
}

TEST(TokenBucketTest, LoweringTheRateKeepsNoMoreThanTheNewBurst) {
  TokenBucket b;
  b.set_rate(1000000, t0);
  b.set_rate(10000, t0);
  EXPECT_EQ(b.available(t0), 1024u);
  b.set_rate(0, t0);
  EXPECT_FALSE(b.limited());
}

}  // namespace
}  // namespace chaos::network
