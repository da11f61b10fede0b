#include "fault_params.h"

#include <cstdio>
#include <random>

namespace chaos::network {

std::chrono::microseconds parse_bounded_duration(const sdk::Params& params, const char* field,
                                                 const char* fallback,
                                                 std::chrono::microseconds max) {
  const sdk::DurationBounds bounds{0, max.count()};
  return std::chrono::microseconds(fallback ? params.get_duration_us(field, fallback, bounds)
                                            : params.get_duration_us(field, bounds));
}

double parse_probability(const sdk::Params& params) {
  const double p = params.get_number("probability", 1.0);
  if (!(p >= 0 && p <= 1))
    throw sdk::InvalidParams("probability", "must be between 0 and 1 (a fraction, e.g. 0.05)");
  return p;
}

uint64_t parse_seed(const sdk::Params& params) {
  const auto seed = static_cast<uint64_t>(params.get_int_or("seed", 0, 0));
  if (seed != 0) return seed;
  std::random_device entropy;
  return ((static_cast<uint64_t>(entropy()) << 32) | entropy()) & 0x1fffffffffffffull;
}

std::array<bool, 2> parse_direction(const sdk::Params& params, std::string& name) {
  name = params.get_string("direction", "downstream");
  if (name == "downstream") return {false, true};
  if (name == "upstream") return {true, false};
  if (name == "both") return {true, true};
  throw sdk::InvalidParams("direction",
                           "'" + name + "' is not one of \"downstream\", \"upstream\", \"both\"");
}

std::string format_percent(double probability) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", probability * 100);
  return buf;
}

void expect_same_addresses(const sdk::Params& params, const Endpoint& listen,
                           const Upstream& upstream) {
  const ProxyAddresses addresses = parse_proxy_addresses(params);
  if (addresses.listen != listen)
    throw sdk::InvalidParams("listen", "cannot change on update; create another fault");
  if (addresses.upstream != upstream)
    throw sdk::InvalidParams("upstream", "cannot change on update; create another fault");
}

}  // namespace chaos::network
