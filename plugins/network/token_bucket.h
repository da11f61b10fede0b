#pragma once
// TokenBucket: the bandwidth limit of one direction of one connection. Tokens are bytes; they
// accrue at `rate` bytes/s up to `burst`, and a write of n bytes spends n. The pipe writes at
// most what the bucket holds and otherwise waits for time_until(), so the long-run rate never
// exceeds `rate` and a burst never exceeds `burst`.
//
// Thread-safety: none; one connection's io thread owns it. Pure logic: the caller passes the
// time, so tests need no clock.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "delay_queue.h"

namespace chaos::network {

class TokenBucket {
 public:
  // The burst a rate gets: 50 ms worth of bytes, at least 1 KiB (or the whole rate when it is
  // smaller, so a 100 B/s limit still trickles) and at most 64 KiB, so a limit is smooth at
  // human time scales without a timer per byte.
  static size_t burst_for(uint64_t rate);

  // Unlimited until set_rate.
  TokenBucket() = default;

  // 0 = unlimited. A changed rate applies from `now`; tokens held are kept up to the new burst,
  // so lowering a limit takes effect at once and raising it does not hand out a windfall.
  void set_rate(uint64_t rate, Clock::time_point now);
  uint64_t rate() const { return rate_; }
  bool limited() const { return rate_ > 0; }
  size_t burst() const { return burst_; }

  // Bytes that may be written now. REQUIRES: limited().
  size_t available(Clock::time_point now);
  // Spends n tokens (n <= available(now)).
  void spend(size_t n) { tokens_ -= static_cast<double>(n); }
  // When `n` (<= burst()) bytes will be available. REQUIRES: limited().
  Clock::time_point time_until(size_t n, Clock::time_point now);

 private:
  void refill(Clock::time_point now);

  uint64_t rate_ = 0;
  size_t burst_ = 0;
  double tokens_ = 0;
  Clock::time_point last_{};
};

}  // namespace chaos::network
