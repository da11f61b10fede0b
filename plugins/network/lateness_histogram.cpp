#include "lateness_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace chaos::network {

size_t LatenessHistogram::bucket_of(uint64_t us) {
  if (us < 16) return static_cast<size_t>(us);
  const int octave = std::bit_width(us) - 1;  // >= 4
  const size_t sub = static_cast<size_t>(us >> (octave - 3)) & 7;
  return std::min(kBuckets - 1, 16 + static_cast<size_t>(octave - 4) * 8 + sub);
}

uint64_t LatenessHistogram::upper_bound(size_t bucket) {
  if (bucket < 16) return bucket;
  const size_t octave = 4 + (bucket - 16) / 8;
  const uint64_t sub = (bucket - 16) % 8;
  return ((8 + sub + 1) << (octave - 3)) - 1;
}

void LatenessHistogram::record(std::chrono::microseconds late) {
  const auto us = static_cast<uint64_t>(std::max<int64_t>(0, late.count()));
  counts_[bucket_of(us)].fetch_add(1, std::memory_order_relaxed);
  uint64_t seen = max_us_.load(std::memory_order_relaxed);
  while (us > seen && !max_us_.compare_exchange_weak(seen, us, std::memory_order_relaxed)) {
  }
}

LatenessHistogram::Snapshot LatenessHistogram::snapshot() const {
  Snapshot s;
  for (size_t i = 0; i < kBuckets; ++i) s.counts[i] = counts_[i].load(std::memory_order_relaxed);
  return s;
}

uint64_t LatenessHistogram::Snapshot::count() const {
  uint64_t n = 0;
  for (uint64_t c : counts) n += c;
  return n;
}

uint64_t LatenessHistogram::Snapshot::quantile(double q) const {
  // Nearest rank, as the benchmark computes its own quantiles.
  const uint64_t total = count();
  const auto rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(total))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts[i];
    if (seen >= rank) return upper_bound(i);
  }
  return upper_bound(kBuckets - 1);
}

LatenessHistogram::Snapshot LatenessHistogram::Snapshot::since(const Snapshot& earlier) const {
  Snapshot d;
  for (size_t i = 0; i < kBuckets; ++i) d.counts[i] = counts[i] - earlier.counts[i];
  return d;
}

}  // namespace chaos::network
