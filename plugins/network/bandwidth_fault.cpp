#include "bandwidth_fault.h"

#include <utility>

namespace chaos::network {

namespace {

const char* scope_name(BandwidthScope scope) {
  return scope == BandwidthScope::kProxy ? "proxy" : "connection";
}

BandwidthScope parse_scope(const sdk::Params& params) {
  const std::string text = params.get_string("scope", "connection");
  if (text == "connection") return BandwidthScope::kConnection;
  if (text == "proxy") return BandwidthScope::kProxy;
  throw sdk::InvalidParams("scope", "'" + text + "' is not one of \"connection\", \"proxy\"");
}

}  // namespace

RuleSettings BandwidthFault::parse(const sdk::Params& params, std::string& direction) {
  params.expect_only({"listen", "upstream", "rate", "scope", "direction", "probability", "seed"});
  const auto rate = static_cast<uint64_t>(params.get_int("rate", 1, 10000000000));
  const std::array<bool, 2> on = parse_direction(params, direction);
  BandwidthSpec spec;
  spec.scope = parse_scope(params);
  for (size_t d = 0; d < on.size(); ++d) spec.rate[d] = on[d] ? rate : 0;
  RuleSettings settings;
  settings.probability = parse_probability(params);
  settings.seed = parse_seed(params);
  settings.spec = spec;
  return settings;
}

std::unique_ptr<BandwidthFault> BandwidthFault::create(sdk::Host& host, const sdk::Params& params) {
  std::string direction;
  RuleSettings settings = parse(params, direction);
  return std::unique_ptr<BandwidthFault>(new BandwidthFault(
      host, parse_proxy_addresses(params), std::move(settings), std::move(direction)));
}

void BandwidthFault::update(const sdk::Params& params) {
  std::string direction;
  RuleSettings settings = parse(params, direction);
  change(params, std::move(settings));
  direction_ = std::move(direction);
}

uint64_t BandwidthFault::rate() const {
  return spec().rate[0] != 0 ? spec().rate[0] : spec().rate[1];
}

std::string BandwidthFault::describe() const {
  std::string text =
      "bandwidth " + std::to_string(rate()) + " B/s " +
      (spec().scope == BandwidthScope::kProxy ? "for all connections together" : "per connection") +
      " (" + direction_ + ")";
  if (settings().probability < 1)
    text += ", on " + format_percent(settings().probability) + " of connections";
  return text;
}

std::vector<Series> BandwidthFault::own_series() const {
  return {{"connections_affected", &stats().connections_affected},
          {"throttled_writes", &stats().throttled_writes}};
}

void BandwidthFault::add_own_status(sdk::JsonObject& json) const {
  json.add("rate", rate())
      .add("scope", scope_name(spec().scope))
      .add("direction", direction_)
      .add("throttled_writes", stats().throttled_writes.load());
}

}  // namespace chaos::network
