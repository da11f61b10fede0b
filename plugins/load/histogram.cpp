#include "histogram.h"

#include <algorithm>
#include <cmath>

namespace chaos::load {

int LatencyHistogram::index_of(uint64_t us) noexcept {
  constexpr uint64_t kLinear = uint64_t{1} << (kSubBits + 1);  // 128
  if (us < kLinear) return static_cast<int>(us);
  const int msb = 63 - __builtin_clzll(us);
  const int shift = msb - kSubBits;  // >= 1
  const int index = shift * (1 << kSubBits) + static_cast<int>(us >> shift);
  return std::min(index, kBuckets - 1);
}

uint64_t LatencyHistogram::lower_bound_of(int index) noexcept {
  constexpr int kLinear = 1 << (kSubBits + 1);
  if (index < kLinear) return static_cast<uint64_t>(index);
  const int sub = 1 << kSubBits;
  const int shift = (index - sub) / sub;  // index = shift*64 + m, m in [64,128)
  const uint64_t m = static_cast<uint64_t>(index - shift * sub);
  return m << shift;
}

uint64_t LatencyHistogram::upper_bound_of(int index) noexcept {
  constexpr int kLinear = 1 << (kSubBits + 1);
  if (index < kLinear) return static_cast<uint64_t>(index) + 1;
  const int sub = 1 << kSubBits;
  const int shift = (index - sub) / sub;
  return lower_bound_of(index) + (uint64_t{1} << shift);
}

void LatencyHistogram::record(uint64_t us) noexcept {
  ++counts_[static_cast<size_t>(index_of(us))];
  ++count_;
  max_ = std::max(max_, us);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::clear() noexcept {
  counts_.fill(0);
  count_ = 0;
  max_ = 0;
}

uint64_t LatencyHistogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  if (q >= 1.0) return max_;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * count_)));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t lo = lower_bound_of(i);
      const uint64_t hi = upper_bound_of(i);
      return std::min(max_, lo + (hi - lo - 1) / 2);
    }
  }
  return max_;
}

}  // namespace chaos::load
