#pragma once
// LatencyHistogram: an HDR-style, log-bucketed histogram of microsecond values. Each power of
// two is split into 64 linear sub-buckets, so a percentile is exact below 128 us and within
// 1/64 (1.6 %) above; values from 0 to ~19 hours fit in 2048 counters (16 KiB). Recording is
// O(1) with no allocation. Not thread-safe: one owner, or the owner's lock (see FloodEngine).

#include <array>
#include <cstdint>

namespace chaos::load {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 6;
  static constexpr int kBuckets = 2048;

  void record(uint64_t us) noexcept;
  void merge(const LatencyHistogram& other) noexcept;
  void clear() noexcept;
  uint64_t count() const noexcept { return count_; }
  uint64_t max() const noexcept { return max_; }
  // The value at quantile q (0..1) by nearest rank: the midpoint of its bucket, never above
  // max(). 0 when empty.
  uint64_t percentile(double q) const noexcept;

  static int index_of(uint64_t us) noexcept;
  static uint64_t lower_bound_of(int index) noexcept;
  static uint64_t upper_bound_of(int index) noexcept;  // exclusive

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace chaos::load
