#include "effects.h"

#include <algorithm>

namespace chaos::network {

bool Effects::passthrough() const { return selected.empty() && http.empty(); }

bool decided_once(const Rule& rule) {
  const OutageSpec* o = rule.outage();
  return o && (o->mode == OutageMode::kReset || o->mode == OutageMode::kRefuse ||
               o->mode == OutageMode::kTimeout || o->mode == OutageMode::kBlackhole ||
               o->mode == OutageMode::kLimitData);
}

Effects compute_effects(const RuleSet& rules, uint64_t session_id,
                        const std::vector<uint64_t>& excluded) {
  Effects e;
  for (const Rule& rule : rules.rules) {
    if (std::find(excluded.begin(), excluded.end(), rule.owner) != excluded.end()) continue;
    if (const auto* http = rule.as<HttpSpec>()) {
      (void)http;
      e.http.push_back(&rule);  // per-request draws happen in HttpExchange
      continue;
    }
    if (!selects(rule, session_id)) continue;
    e.selected.push_back(&rule);
    if (const auto* latency = rule.as<LatencySpec>()) {
      for (size_t d = 0; d < e.delay.size(); ++d) {
        e.delay[d].delay += latency->delay[d].delay;
        e.delay[d].jitter += latency->delay[d].jitter;
      }
      e.first_byte_delay = std::max(e.first_byte_delay, latency->first_byte_delay);
      if (e.jitter_seed == 0) e.jitter_seed = rule.seed;
      e.latency_rules.push_back(&rule);
    } else if (const auto* bandwidth = rule.as<BandwidthSpec>()) {
      for (size_t d = 0; d < e.rate.size(); ++d) {
        const uint64_t r = bandwidth->rate[d];
        if (r == 0) continue;
        if (bandwidth->scope == BandwidthScope::kProxy) {
          const Rule*& lowest = e.shared_bandwidth[d];
          if (!lowest || r < lowest->as<BandwidthSpec>()->rate[d]) lowest = &rule;
          continue;
        }
        if (e.rate[d] == 0 || r < e.rate[d]) {
          e.rate[d] = r;
          e.bandwidth_rule = &rule;
        }
      }
    } else if (const auto* outage = rule.outage()) {
      switch (outage->mode) {
        case OutageMode::kBlackhole:
        case OutageMode::kTimeout:
          e.stalled = true;
          break;
        case OutageMode::kSlowClose:
          if (outage->delay > e.close_delay) {
            e.close_delay = outage->delay;
            e.close_delay_rule = &rule;
          }
          break;
        case OutageMode::kRefuse:
        case OutageMode::kReset:
        case OutageMode::kLimitData:
          break;  // actions: the session resets or cuts the connection
      }
    }
  }
  return e;
}

}  // namespace chaos::network
