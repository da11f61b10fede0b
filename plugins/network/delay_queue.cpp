#include "delay_queue.h"

#include <algorithm>
#include <utility>

namespace chaos::network {

void DelayQueue::push(Chunk chunk) {
  bytes_ += chunk.bytes.size();
  chunks_.push_back(std::move(chunk));
}

Clock::time_point DelayQueue::release_time(const DelaySpec& spec) const {
  const Chunk& c = chunks_.front();
  const double jitter_us = c.jitter_unit * static_cast<double>(spec.jitter.count());
  const auto offset = std::chrono::microseconds(
      std::max<int64_t>(0, spec.delay.count() + static_cast<int64_t>(jitter_us)));
  return std::max(c.arrival + offset + c.extra, last_release_);
}

Chunk DelayQueue::pop(Clock::time_point release) {
  Chunk c = std::move(chunks_.front());
  chunks_.pop_front();
  bytes_ -= c.bytes.size();
  last_release_ = std::max(last_release_, release);
  return c;
}

}  // namespace chaos::network
