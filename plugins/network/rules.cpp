#include "rules.h"

#include <algorithm>
#include <optional>

namespace chaos::network {

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Distinct per kind, so a latency and a reset given the same seed do not pick the same
// connections.
uint64_t kind_salt(const Rule& rule) { return 0x6b696e64ull + rule.spec.index() * 0x1000193ull; }

}  // namespace

double unit_draw(uint64_t seed, uint64_t a, uint64_t b) {
  const uint64_t h = mix(mix(mix(seed) ^ a) ^ b);
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

bool selects(const Rule& rule, uint64_t session_id) {
  if (!rule.applies_to_existing && session_id < rule.first_new_session) return false;
  if (rule.probability >= 1) return true;
  if (rule.probability <= 0) return false;
  return unit_draw(rule.seed ^ kind_salt(rule), session_id, 0) < rule.probability;
}

bool selects_request(const Rule& rule, uint64_t session_id, uint64_t request_index) {
  if (rule.probability >= 1) return true;
  if (rule.probability <= 0) return false;
  return unit_draw(rule.seed ^ kind_salt(rule), session_id, request_index + 1) < rule.probability;
}

bool RuleSet::refusing() const {
  for (const Rule& r : rules) {
    if (r.is_outage(OutageMode::kRefuse)) return true;
  }
  return false;
}

uint64_t RuleSet::max_buffer() const {
  // The smallest wins, as the lowest bandwidth does: a memory bound is a safety limit.
  std::optional<uint64_t> limit;
  for (const Rule& r : rules) {
    if (const auto* latency = r.as<LatencySpec>())
      limit = std::min(limit.value_or(latency->max_buffer), latency->max_buffer);
  }
  return limit.value_or(BufferBudget::kDefaultLimit);
}

}  // namespace chaos::network
