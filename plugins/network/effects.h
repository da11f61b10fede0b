#pragma once
// Effects: what the rules in force mean for one connection, combined across faults.
//
//   latency     delays and jitters of the selecting rules add up, per direction; the
//               first-byte delay is the largest.
//   bandwidth   the lowest rate of the selecting rules wins, per direction and scope: a
//               connection obeys its own limit and the proxy-wide one at once.
//   outage      blackhole or timeout: nothing is forwarded (stalled); slow_close: the longest
//               hold; reset/timeout deadlines are kept by the session (they are actions).
//   http        every active HTTP rule; they draw per request, not per connection.
//
// Pure: no sockets, no clock. Pointers refer into the RuleSet, which the session keeps alive.

#include <array>
#include <cstdint>
#include <vector>

#include "rules.h"

namespace chaos::network {

struct Effects {
  std::array<DelaySpec, 2> delay{};
  microseconds first_byte_delay{0};
  std::array<uint64_t, 2> rate{};  // 0 = unlimited
  bool stalled = false;
  microseconds close_delay{0};
  const Rule* close_delay_rule = nullptr;  // counts closes_delayed
  const Rule* bandwidth_rule = nullptr;    // counts throttled_writes (the strictest)
  // Scope "proxy": per direction, the rule with the lowest rate; the connection also spends
  // from its bucket (rule->shared_bandwidth), shared with the proxy's other connections.
  std::array<const Rule*, 2> shared_bandwidth{};
  std::vector<const Rule*> latency_rules;  // record release lateness (every selecting one)
  uint64_t jitter_seed = 0;                // the first selecting latency rule's seed
  std::vector<const Rule*> selected;       // every rule that selects the connection
  std::vector<const Rule*> http;           // the HTTP rules in force

  bool passthrough() const;
};

// `excluded`: owners whose rules must not select this connection (see Session::apply_rules).
Effects compute_effects(const RuleSet& rules, uint64_t session_id,
                        const std::vector<uint64_t>& excluded = {});

// Outage modes whose selection is decided once per connection (when it opens, or when the
// fault starts): an update that raises the probability must not reset connections that were
// spared.
bool decided_once(const Rule& rule);

}  // namespace chaos::network
