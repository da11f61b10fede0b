// LatenessHistogram: bucket bounds, quantiles as upper bounds, and windows by subtraction.

#include "lateness_histogram.h"

#include <gtest/gtest.h>

namespace chaos::network {
namespace {

using std::chrono::microseconds;

TEST(LatenessHistogramTest, SmallValuesAreExactAndLargerOnesWithinAnEighth) {
  for (uint64_t us = 0; us < 16; ++us)
    EXPECT_EQ(LatenessHistogram::upper_bound(LatenessHistogram::bucket_of(us)), us);
  for (uint64_t us : {16ull, 17ull, 100ull, 999ull, 1000ull, 65535ull, 1000000ull, 99999999ull}) {
    const uint64_t bound = LatenessHistogram::upper_bound(LatenessHistogram::bucket_of(us));
    EXPECT_GE(bound, us) << us;  // never reported below the truth
    EXPECT_LE(static_cast<double>(bound), us * 1.125) << us;
  }
  // Buckets are contiguous: each starts right after the previous one's upper bound.
  for (size_t b = 1; b < LatenessHistogram::kBuckets; ++b)
    EXPECT_EQ(LatenessHistogram::bucket_of(LatenessHistogram::upper_bound(b - 1) + 1), b) << b;
}

TEST(LatenessHistogramTest, HugeAndNegativeValuesAreClamped) {
  LatenessHistogram h;
  h.record(microseconds(-5));
  h.record(microseconds(1ll << 40));
  const auto s = h.snapshot();
  EXPECT_EQ(s.count(), 2u);
  EXPECT_EQ(s.quantile(0), 0u);
  EXPECT_EQ(s.quantile(1), LatenessHistogram::upper_bound(LatenessHistogram::kBuckets - 1));
  EXPECT_EQ(h.max_us(), 1ull << 40);  // the max stays exact
}

TEST(LatenessHistogramTest, QuantilesAreNearestRank) {
  LatenessHistogram h;
  for (int i = 0; i < 98; ++i) h.record(microseconds(3));
  h.record(microseconds(12));
  h.record(microseconds(5000));
  const auto s = h.snapshot();
  EXPECT_EQ(s.quantile(0.5), 3u);
  EXPECT_EQ(s.quantile(0.99), 12u);
  EXPECT_GE(s.quantile(1.0), 5000u);
  EXPECT_EQ(h.max_us(), 5000u);
}

TEST(LatenessHistogramTest, AWindowHoldsOnlyTheSamplesSinceTheEarlierSnapshot) {
  LatenessHistogram h;
  for (int i = 0; i < 10; ++i) h.record(microseconds(900));
  const auto before = h.snapshot();
  h.record(microseconds(2));
  const auto window = h.snapshot().since(before);
  EXPECT_EQ(window.count(), 1u);
  EXPECT_EQ(window.quantile(0.99), 2u);
  EXPECT_EQ(h.snapshot().since(h.snapshot()).count(), 0u);
}

}  // namespace
}  // namespace chaos::network
