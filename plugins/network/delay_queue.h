#pragma once
// DelayQueue: the chunks read from one side of a connection that wait for their release time.
//
// Semantics (the latency fault's contract):
//   Each chunk is stamped with its arrival time and a jitter draw u in [-1, 1]. Its release time
//   is  max(arrival + max(0, delay + u * jitter) + extra, release time of the previous chunk),
//   so bytes are never reordered. `extra` is a per-chunk hold the HTTP fault sets on one
//   request (or on the answer it injects); it is 0 for plain bytes. `delay` and `jitter` are the
//   values in force when the chunk reaches the head of the queue, so a changed or removed delay
//   also applies to chunks already waiting. The reader keeps reading while chunks wait, up to
//   `capacity` bytes (then it stops reading: backpressure), so a large transfer pays one delay, not
//   one per chunk.
//
// Thread-safety: none; one connection's io thread owns it. Pure logic, no sockets, no clock.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

namespace chaos::network {

using Clock = std::chrono::steady_clock;

// The delay applied to one direction. Zero means passthrough.
struct DelaySpec {
  std::chrono::microseconds delay{0};
  std::chrono::microseconds jitter{0};

  bool operator==(const DelaySpec& o) const { return delay == o.delay && jitter == o.jitter; }
};

// A vector whose resize leaves new bytes uninitialised: a read buffer is filled by the kernel,
// so zeroing 64 KiB per read first would only cost time.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using Bytes = std::vector<char, DefaultInitAllocator<char>>;

struct Chunk {
  Bytes bytes;
  Clock::time_point arrival;
  double jitter_unit = 0;              // u in [-1, 1], drawn at arrival
  std::chrono::microseconds extra{0};  // held this much longer (an HTTP request's delay)
  bool close_after = false;  // the connection ends once this chunk is written (HTTP faults)
};

class DelayQueue {
 public:
  explicit DelayQueue(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // A bandwidth limit shrinks the buffer so the sender feels the limit (see Pipe).
  void set_capacity(size_t capacity_bytes) { capacity_ = capacity_bytes; }
  size_t capacity() const { return capacity_; }

  void push(Chunk chunk);
  bool empty() const { return chunks_.empty(); }
  // Bytes waiting. full() means "stop reading until some are written".
  size_t bytes() const { return bytes_; }
  bool full() const { return bytes_ >= capacity_; }
  size_t size() const { return chunks_.size(); }

  // REQUIRES: !empty().
  const Chunk& front() const { return chunks_.front(); }
  // When the front chunk may be written under `spec`. REQUIRES: !empty().
  Clock::time_point release_time(const DelaySpec& spec) const;
  // Removes the front chunk, released at `release` (the value release_time returned).
  // REQUIRES: !empty().
  Chunk pop(Clock::time_point release);

 private:
  size_t capacity_;
  std::deque<Chunk> chunks_;
  size_t bytes_ = 0;
  Clock::time_point last_release_{};  // of the previous chunk; keeps the order
};

}  // namespace chaos::network
