#pragma once
// How evenly a flood's sends are spread in time: each worker counts its real sends (the moment
// a request's last byte is handed to the kernel) per millisecond since the flood's start in a
// SendTimeline; SendSpacing sums the workers' counts millisecond by millisecond and keeps the
// distribution of "sends in one millisecond" over the run, for its p99 and max. A Poisson
// process at 5k/s has p99 11-12; timers firing in lockstep show as bursts of 50.
//
// SendTimeline thread-safety: one writer (its worker thread) for record/publish/close; any
// thread may read (count_at, watermark) at the same time. Counts are relaxed atomics; the
// watermark is stored with release and loaded with acquire, so a reader that sees watermark W
// sees every count for milliseconds before W.
// SendSpacing: not thread-safe; one owner, or the owner's lock (FloodEngine::spacing_mutex_).

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <vector>

namespace chaos::load {

class SendTimeline {
 public:
  // 1024 chunks of 4096 ms: ~70 minutes, past the flood's 1 h hard cap. A chunk (8 KiB) is
  // allocated the first time a send falls in it, so a run holds only the time it used.
  static constexpr int64_t kChunkMs = 4096;
  static constexpr int64_t kChunks = 1024;
  static constexpr int64_t kCapacityMs = kChunkMs * kChunks;
  static constexpr int64_t kClosed = std::numeric_limits<int64_t>::max();

  SendTimeline() = default;
  ~SendTimeline();
  SendTimeline(const SendTimeline&) = delete;
  SendTimeline& operator=(const SendTimeline&) = delete;

  // Writer: one send in millisecond `ms` (outside [0, kCapacityMs) it is not counted).
  void record(int64_t ms);
  // Writer: promises that every later record() is for a millisecond >= `ms`. Call with the
  // current millisecond, read from the clock after the last record().
  void publish(int64_t ms) noexcept { watermark_.store(ms, std::memory_order_release); }
  // Writer: no more records.
  void close() noexcept { publish(kClosed); }

  // Readers.
  int64_t watermark() const noexcept { return watermark_.load(std::memory_order_acquire); }
  uint32_t count_at(int64_t ms) const noexcept;

 private:
  struct Chunk {
    std::array<std::atomic<uint16_t>, kChunkMs> counts{};
  };
  std::array<std::atomic<Chunk*>, kChunks> chunks_{};
  std::atomic<int64_t> watermark_{0};
};

struct SendsPerMs {
  uint64_t p99 = 0;
  uint64_t max = 0;
  int64_t ms = 0;  // milliseconds the figures cover
};

class SendSpacing {
 public:
  // Adds every millisecond from the last one folded up to (not including) `until_ms` and every
  // timeline's watermark: only milliseconds no worker can still add to.
  void fold(const std::vector<const SendTimeline*>& timelines, int64_t until_ms);
  // Sends in one millisecond at quantile q (0..1), by nearest rank; 0 before any millisecond.
  uint64_t percentile(double q) const noexcept;
  SendsPerMs summary() const noexcept { return {percentile(0.99), max(), folded_}; }
  uint64_t max() const noexcept { return ms_with_.empty() ? 0 : ms_with_.size() - 1; }

 private:
  int64_t folded_ = 0;             // milliseconds [0, folded_) are in ms_with_
  std::vector<uint64_t> ms_with_;  // ms_with_[k]: milliseconds with exactly k sends
};

}  // namespace chaos::load
