#include "probes/histogram_quantile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace chaos::probes {

double histogram_quantile(double q, std::vector<HistogramBucket> buckets) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  if (buckets.empty()) return kNaN;
  std::sort(buckets.begin(), buckets.end(),
            [](const auto& a, const auto& b) { return a.upper_bound < b.upper_bound; });
  if (!std::isinf(buckets.back().upper_bound) || buckets.back().upper_bound < 0) return kNaN;

  // Merge buckets with the same bound (several series summed by le).
  std::vector<HistogramBucket> merged;
  for (const auto& b : buckets) {
    if (!merged.empty() && merged.back().upper_bound == b.upper_bound) {
      merged.back().count += b.count;
    } else {
      merged.push_back(b);
    }
  }
  // Cumulative counts never fall; a fall is skew between buckets, smoothed to the maximum.
  double max = -kInf;
  for (auto& b : merged) {
    if (b.count > max) {
      max = b.count;
    } else {
      b.count = max;
    }
  }
  if (merged.size() < 2) return kNaN;
  const double observations = merged.back().count;
  if (observations == 0 || std::isnan(observations)) return kNaN;

  double rank = q * observations;
  // The first bucket (excluding +Inf) whose count reaches the rank; the +Inf one if none does.
  size_t b = 0;
  while (b < merged.size() - 1 && merged[b].count < rank) ++b;
  if (b == merged.size() - 1) return merged[merged.size() - 2].upper_bound;
  if (b == 0 && merged[0].upper_bound <= 0) return merged[0].upper_bound;

  double start = 0;
  const double end = merged[b].upper_bound;
  double count = merged[b].count;
  if (b > 0) {
    start = merged[b - 1].upper_bound;
    count -= merged[b - 1].count;
    rank -= merged[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

}  // namespace chaos::probes
