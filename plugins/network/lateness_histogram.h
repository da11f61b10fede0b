#pragma once
// LatenessHistogram: how late the proxy released the chunks it was waiting for, in µs, as
// counts in log-linear buckets (exact below 16 µs, then 8 buckets per power of two: a
// quantile is reported as its bucket's upper bound, at most 12.5 % above the true value and
// never below it). Buckets only count up, so a reader takes snapshots and subtracts them to get
// a window (what the metrics do every second) without ever resetting the writer.
//
// Thread-safety: record() from any thread (relaxed atomics; one proxy's io thread in practice),
// snapshot() from any thread. A snapshot taken during a record may miss that one sample.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace chaos::network {

class LatenessHistogram {
 public:
  // 16 exact buckets, then 8 per power of two from 2^4 to 2^27 µs (134 s); later is clamped.
  static constexpr size_t kBuckets = 16 + 24 * 8;

  // Counts per bucket at one moment, and what can be read from them.
  struct Snapshot {
    std::array<uint64_t, kBuckets> counts{};

    uint64_t count() const;
    // The q-quantile (0..1) in µs, as the upper bound of its bucket. REQUIRES: count() > 0.
    uint64_t quantile(double q) const;
    // The samples recorded after `earlier` (a snapshot of the same histogram).
    Snapshot since(const Snapshot& earlier) const;
  };

  void record(std::chrono::microseconds late);
  Snapshot snapshot() const;
  // The largest sample ever recorded, exact (0 when none).
  uint64_t max_us() const { return max_us_.load(std::memory_order_relaxed); }

  // Exposed for tests: the bucket of a value and the largest value in a bucket.
  static size_t bucket_of(uint64_t us);
  static uint64_t upper_bound(size_t bucket);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<uint64_t> max_us_{0};
};

}  // namespace chaos::network
