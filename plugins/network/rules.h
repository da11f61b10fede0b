#pragma once
// Rules: what the active faults of one proxy ask of its connections. Each fault contributes one
// Rule (keyed by its owner id); the proxy combines them into an immutable RuleSet that its io
// thread hands to every connection, so any combination of kinds acts on one proxy at once.
//
// Selection. A rule with probability p acts on a connection when a draw from (its seed, its
// kind, the connection's id) is below p. The draw is a hash, not a stateful generator, so the
// same seed gives the same decisions for the same sequence of connections, whatever the timing,
// and an update that raises p keeps every connection already selected.
//
// Thread-safety: a RuleSet is immutable once published. RuleStats are atomics written on the
// io thread and read by the fault's metrics thread.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "buffer_budget.h"
#include "delay_queue.h"
#include "lateness_histogram.h"
#include "token_bucket.h"

namespace chaos::network {

using std::chrono::microseconds;

// Counters of one fault. Which ones a kind reports is up to the kind.
struct RuleStats {
  std::atomic<uint64_t> connections_affected{0};  // connections the rule selected
  // Outages decided once per connection: the connections it could select and drew for, so
  // affected ÷ judged is the probability achieved.
  std::atomic<uint64_t> connections_judged{0};
  std::atomic<uint64_t> connections_reset{0};      // sent an RST by the rule
  std::atomic<uint64_t> connections_timed_out{0};  // closed by a timeout outage
  std::atomic<uint64_t> closes_delayed{0};         // FINs held by slow_close
  std::atomic<uint64_t> connections_limited{0};    // closed by limit_data at its limit
  std::atomic<uint64_t> throttled_writes{0};       // writes that waited for bandwidth
  std::atomic<uint64_t> requests_seen{0};          // HTTP requests while the rule was active
  std::atomic<uint64_t> requests_faulted{0};       // answered or delayed by the rule
  std::atomic<uint64_t> requests_forwarded{0};     // seen and sent on to the dependency
  // Latency: how late the proxy released the chunks it waited for (Pipe::pump), in µs.
  LatenessHistogram release_late;
};

struct LatencySpec {
  std::array<DelaySpec, 2> delay{};  // indexed by Direction
  microseconds first_byte_delay{0};  // the dependency is connected this late (new connections)
  uint64_t max_buffer = BufferBudget::kDefaultLimit;  // the proxy's BufferBudget (smallest wins)
};

// Whose bytes one rate limits: each connection's own, or all the proxy's connections together.
enum class BandwidthScope { kConnection, kProxy };

struct BandwidthSpec {
  std::array<uint64_t, 2> rate{};  // bytes/s per Direction; 0 = unlimited
  BandwidthScope scope = BandwidthScope::kConnection;
};

// The token buckets of one proxy-scope bandwidth rule, one per Direction, which every
// connection it selects spends from. Made, kept across updates and touched on the proxy's io
// thread only (Proxy::install_rules, Pipe).
struct SharedBandwidth {
  std::array<TokenBucket, 2> buckets;
};

enum class OutageMode { kRefuse, kReset, kBlackhole, kTimeout, kSlowClose, kLimitData };

struct OutageSpec {
  OutageMode mode = OutageMode::kReset;
  bool existing = false;  // also act on connections open when the fault started
  microseconds delay{0};  // reset/timeout: after this long; slow_close: the hold
  // limit_data: the bytes a selected connection may carry in each direction (indexed by
  // Direction) from when the fault starts acting on it; then it is closed.
  uint64_t bytes = 0;
  std::array<bool, 2> limited{false, true};
};

struct HttpSpec {
  std::string method;       // empty: any
  std::string path_prefix;  // empty: any
  int status = 0;           // 0: do not answer, only delay
  std::string body;
  std::string content_type;
  microseconds delay{0};  // held before it is forwarded (or answered)
};

using RuleSpec = std::variant<LatencySpec, BandwidthSpec, OutageSpec, HttpSpec>;

struct Rule {
  uint64_t owner = 0;  // the fault's id; rules apply in owner order
  double probability = 1;
  uint64_t seed = 0;
  bool applies_to_existing = true;  // false: only connections opened after the rule started
  std::shared_ptr<RuleStats> stats;
  RuleSpec spec;
  // Set by the proxy when it installs the rule: connections with a smaller id were open then.
  uint64_t first_new_session = 0;
  // Set by the proxy when it installs a bandwidth rule of scope "proxy".
  std::shared_ptr<SharedBandwidth> shared_bandwidth;

  template <typename T>
  const T* as() const {
    return std::get_if<T>(&spec);
  }
  const OutageSpec* outage() const { return as<OutageSpec>(); }
  bool is_outage(OutageMode mode) const { return outage() && outage()->mode == mode; }
};

struct RuleSet {
  std::vector<Rule> rules;  // ascending owner
  bool refusing() const;    // an active refuse outage: the listener is closed
  // The proxy's BufferBudget limit: the smallest max_buffer of the latency rules, or the default.
  uint64_t max_buffer() const;
};

// A uniform draw in [0, 1) from three numbers (splitmix64 over them).
double unit_draw(uint64_t seed, uint64_t a, uint64_t b);

// Whether `rule` acts on the connection `session_id` (see Selection above).
bool selects(const Rule& rule, uint64_t session_id);

// Whether `rule` acts on request number `request_index` of connection `session_id`.
bool selects_request(const Rule& rule, uint64_t session_id, uint64_t request_index);

}  // namespace chaos::network
