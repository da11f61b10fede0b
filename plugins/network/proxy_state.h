#pragma once
// What every connection of one proxy shares: the rules in force and the counters.

#include <atomic>
#include <cstdint>
#include <memory>

#include "buffer_budget.h"
#include "rules.h"
#include "spin_budget.h"

namespace chaos::network {

// Which way bytes flow, seen from the client of the proxy.
enum class Direction : int {
  kUpstream = 0,    // client → dependency (requests)
  kDownstream = 1,  // dependency → client (responses)
};

inline const char* direction_name(Direction d) {
  return d == Direction::kUpstream ? "upstream" : "downstream";
}

// Counters of one proxy. Written on the proxy's io thread, read from any thread.
struct ProxyStats {
  std::atomic<uint64_t> connections_opened{0};  // accepted from clients
  std::atomic<uint64_t> connections_active{0};
  std::atomic<uint64_t> upstream_connections{0};  // opened to the dependency
  std::atomic<uint64_t> bytes_to_upstream{0};
  std::atomic<uint64_t> bytes_from_upstream{0};
  std::atomic<uint64_t> chunks_delayed{0};
  std::atomic<uint64_t> upstream_errors{0};
  std::atomic<uint64_t> listening{0};        // 1 while the proxy accepts (0 while a refuse is on)
  std::atomic<uint64_t> release_spin_us{0};  // busy-waited for release times (CPU cost)
  std::atomic<uint64_t> release_spins_denied{0};  // early wake-ups left to a timer: budget spent
  std::atomic<uint64_t> buffered_bytes{0};        // held in every pipe now
  std::atomic<uint64_t> buffered_bytes_peak{0};   // the most ever held at once
  std::atomic<uint64_t> buffer_grown_bytes{0};    // BufferBudget::granted() now
  std::atomic<uint64_t> buffer_growths{0};        // times a pipe's buffer grew
  std::atomic<uint64_t> buffer_backpressure{0};   // reads paused because the budget was spent
};

// Owned by the Proxy; outlives every session.
struct ProxyState {
  // The rules in force (never null). Touched on the io thread only; the control threads change
  // them by posting to the io thread.
  std::shared_ptr<const RuleSet> rules = std::make_shared<const RuleSet>();
  // Seeds jitter draws when no latency rule gives a seed (io thread only).
  uint64_t seed = 0;
  // What the pipes may busy-wait for release times (io thread only).
  SpinBudget spin_budget;
  // What the pipes may hold beyond their own buffers (io thread only).
  BufferBudget buffer_budget;
  ProxyStats stats;
};

}  // namespace chaos::network
