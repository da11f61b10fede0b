#pragma once
// BufferBudget: the bytes one proxy may hold for delays beyond what every connection always
// gets (Pipe::kQueueCapacity per direction), shared by all its connections.
//
// Why: delaying a stream of T bytes/s by d needs T × d bytes held. A fixed buffer per
// connection caps throughput at buffer ÷ d (4 MiB ÷ 100 ms = 42 MB/s), which a real long link
// with a large TCP window does not. So a pipe whose delay (not its receiver) is what holds its
// bytes grows its buffer from this budget, and gives the growth back once it drains; when the
// budget is spent the pipe stops reading (backpressure) and says so in a metric.
//
// Thread-safety: none; the proxy's io thread owns it (ProxyState). Pure bookkeeping: it counts
// grants, it allocates nothing.

#include <cstdint>

namespace chaos::network {

class BufferBudget {
 public:
  static constexpr uint64_t kDefaultLimit = 256ull << 20;

  // A lower limit than what is granted takes nothing back: growth stops until it drains.
  void set_limit(uint64_t limit) { limit_ = limit; }
  uint64_t limit() const { return limit_; }
  uint64_t granted() const { return granted_; }

  // Up to `wanted` more bytes, as far as the limit allows (0 once it is spent).
  uint64_t grant(uint64_t wanted);
  // Returns bytes granted earlier. REQUIRES: n <= granted().
  void give_back(uint64_t n) { granted_ -= n; }

 private:
  uint64_t limit_ = kDefaultLimit;
  uint64_t granted_ = 0;
};

}  // namespace chaos::network
