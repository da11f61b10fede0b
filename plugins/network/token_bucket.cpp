#include "token_bucket.h"

#include <algorithm>
#include <cmath>

namespace chaos::network {

size_t TokenBucket::burst_for(uint64_t rate) {
  constexpr uint64_t kMin = 1024;
  constexpr uint64_t kMax = 64 * 1024;
  const uint64_t fifty_ms = rate / 20;
  return static_cast<size_t>(std::min(kMax, std::max(fifty_ms, std::min(rate, kMin))));
}

void TokenBucket::set_rate(uint64_t rate, Clock::time_point now) {
  if (rate == rate_) return;
  if (rate_ == 0) {
    // A new limit starts with a full bucket: the first burst is allowed, as on a fresh link.
    tokens_ = static_cast<double>(burst_for(rate));
  } else {
    refill(now);
  }
  rate_ = rate;
  burst_ = rate == 0 ? 0 : burst_for(rate);
  tokens_ = std::min(tokens_, static_cast<double>(burst_));
  last_ = now;
}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  const double seconds = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(static_cast<double>(burst_), tokens_ + seconds * static_cast<double>(rate_));
  last_ = now;
}

size_t TokenBucket::available(Clock::time_point now) {
  refill(now);
  return tokens_ <= 0 ? 0 : static_cast<size_t>(tokens_);
}

Clock::time_point TokenBucket::time_until(size_t n, Clock::time_point now) {
  refill(now);
  const double missing = static_cast<double>(n) - tokens_;
  if (missing <= 0) return now;
  const double seconds = missing / static_cast<double>(rate_);
  return now + std::chrono::microseconds(static_cast<int64_t>(std::ceil(seconds * 1e6)));
}

}  // namespace chaos::network
