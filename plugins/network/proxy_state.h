#pragma once
// What every connection of one proxy shares: the delay in force per direction and the counters.

#include <array>
#include <atomic>
#include <cstdint>

#include "delay_queue.h"

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
  std::atomic<uint64_t> connections_opened{0};
  std::atomic<uint64_t> connections_active{0};
  std::atomic<uint64_t> bytes_to_upstream{0};
  std::atomic<uint64_t> bytes_from_upstream{0};
  std::atomic<uint64_t> chunks_delayed{0};
  std::atomic<uint64_t> upstream_errors{0};
};

// Owned by the Proxy; outlives every session.
struct ProxyState {
  // The delay in force per direction (indexed by Direction). Touched on the io thread only;
  // the control thread changes it by posting to the io thread.
  std::array<DelaySpec, 2> delay{};
  // Seeds the jitter draws of connections opened from now on (io thread only).
  uint64_t seed = 0;
  ProxyStats stats;
};

}  // namespace chaos::network
