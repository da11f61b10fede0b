#pragma once
// Prometheus's histogram_quantile() over cumulative buckets (promql/quantile.go, v2.42), so a
// quantile computed from a scrape window reads the same as the PromQL a user would write:
//
//   - buckets are sorted by upper bound, buckets with the same bound are merged, and counts
//     that fall with a rising bound are raised to the running maximum (as Prometheus does for
//     buckets scraped at slightly different moments);
//   - the last bucket must be +Inf, otherwise the answer is NaN;
//   - rank = q × total; the answer lies in the first bucket whose count reaches the rank,
//     interpolated linearly between its lower and upper bound (the lower bound of the first
//     bucket is 0, unless its upper bound is <= 0, then that bound is the answer);
//   - a rank that falls in the +Inf bucket answers the largest finite bound;
//   - q < 0 answers -Inf, q > 1 answers +Inf, no observations (or fewer than two buckets)
//     answer NaN.
//
// Thread-safety: a pure function.

#include <vector>

namespace chaos::probes {

struct HistogramBucket {
  double upper_bound = 0;  // the `le` label
  double count = 0;        // cumulative: observations <= upper_bound (or their rate)
};

double histogram_quantile(double q, std::vector<HistogramBucket> buckets);

}  // namespace chaos::probes
