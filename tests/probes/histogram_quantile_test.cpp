// histogram_quantile against hand-computed answers, following Prometheus's rules (v2.42
// promql/quantile.go): linear interpolation inside a bucket, the +Inf bucket answering the
// largest finite bound, and NaN where Prometheus answers NaN.

#include "probes/histogram_quantile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace chaos::probes {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// 10 observations <= 0.1, 50 in (0.1, 0.5], 30 in (0.5, 1], 10 above 1.
const std::vector<HistogramBucket> kBuckets{{0.1, 10}, {0.5, 60}, {1, 90}, {kInf, 100}};

TEST(HistogramQuantile, InterpolatesLinearlyInsideTheBucket) {
  // rank 50 falls in (0.1, 0.5]: 40 of its 50 observations -> 0.1 + 0.4 * 40/50.
  EXPECT_DOUBLE_EQ(histogram_quantile(0.5, kBuckets), 0.42);
  // rank 75 in (0.5, 1]: 15 of 30 -> 0.75.
  EXPECT_DOUBLE_EQ(histogram_quantile(0.75, kBuckets), 0.75);
  // rank 5 in the first bucket, whose lower bound is 0: 0.1 * 5/10.
  EXPECT_DOUBLE_EQ(histogram_quantile(0.05, kBuckets), 0.05);
  EXPECT_DOUBLE_EQ(histogram_quantile(0, kBuckets), 0);
}

TEST(HistogramQuantile, ARankInTheInfBucketAnswersTheLargestFiniteBound) {
  EXPECT_DOUBLE_EQ(histogram_quantile(0.99, kBuckets), 1);
  EXPECT_DOUBLE_EQ(histogram_quantile(1, kBuckets), 1);
}

TEST(HistogramQuantile, QuantilesOutsideZeroToOneAreInfinite) {
  EXPECT_EQ(histogram_quantile(-0.1, kBuckets), -kInf);
  EXPECT_EQ(histogram_quantile(1.1, kBuckets), kInf);
  EXPECT_TRUE(std::isnan(histogram_quantile(std::nan(""), kBuckets)));
}

TEST(HistogramQuantile, IsNaNWithoutAnInfBucketOrObservations) {
  EXPECT_TRUE(std::isnan(histogram_quantile(0.5, {{0.1, 10}, {0.5, 60}})));
  EXPECT_TRUE(std::isnan(histogram_quantile(0.5, {{0.1, 0}, {kInf, 0}})));
  EXPECT_TRUE(std::isnan(histogram_quantile(0.5, {{kInf, 5}})));  // fewer than two buckets
  EXPECT_TRUE(std::isnan(histogram_quantile(0.5, {})));
}

TEST(HistogramQuantile, SortsMergesEqualBoundsAndSmoothsSkew) {
  // Unsorted, with the 0.5 bucket split over two series (summed by le).
  EXPECT_DOUBLE_EQ(histogram_quantile(0.5, {{kInf, 100}, {0.5, 20}, {0.1, 10}, {1, 90}, {0.5, 40}}),
                   0.42);
  // A bucket read lower than the one before (scraped a moment apart) counts as equal to it:
  // {0.1: 10, 0.5: 8 -> 10, 1: 90, +Inf: 100}; rank 50 is in (0.5, 1]: 40 of 80.
  EXPECT_DOUBLE_EQ(histogram_quantile(0.5, {{0.1, 10}, {0.5, 8}, {1, 90}, {kInf, 100}}), 0.75);
}

TEST(HistogramQuantile, ANonPositiveFirstBoundIsTheAnswerInTheFirstBucket) {
  EXPECT_DOUBLE_EQ(histogram_quantile(0.25, {{-1, 5}, {0, 5}, {kInf, 10}}), -1);
}

}  // namespace
}  // namespace chaos::probes
