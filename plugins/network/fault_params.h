#pragma once
// Parameters shared by the kinds that act on a proxy: their JSON Schema fragments (string
// literals, concatenated into each kind's schema so every kind describes them the same way)
// and their parsing, with errors that name the field.

#include <array>
#include <chaos/plugin.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <type_traits>

#include "address.h"

namespace chaos::network {

template <typename T>
struct TextLength;
template <size_t N>
struct TextLength<char[N]> {
  static constexpr size_t value = N - 1;
};
template <size_t N>
struct TextLength<std::array<char, N>> {
  static constexpr size_t value = N - 1;
};

// Joins string literals (and earlier joins) at compile time, so the kinds' schemas can share
// fragments and still be static strings: static constexpr auto kText = join(a, b); then
// kText.data().
template <typename... Parts>
constexpr std::array<char, (TextLength<Parts>::value + ...) + 1> join(const Parts&... parts) {
  std::array<char, (TextLength<Parts>::value + ...) + 1> out{};
  size_t at = 0;
  auto append = [&](const auto& part) {
    using Part = std::remove_cv_t<std::remove_reference_t<decltype(part)>>;
    for (size_t i = 0; i < TextLength<Part>::value; ++i) out[at++] = part[i];
  };
  (append(parts), ...);
  out[at] = '\0';
  return out;
}

// The longest delay any kind of this plugin accepts. The one place it is written: the schemas
// carry it as "formatMaximum" (so `chaosctl validate` refuses "11m"), create as kMaxFaultDelay.
inline constexpr char kMaxFaultDelayText[] = "10m";
inline constexpr std::chrono::microseconds kMaxFaultDelay{
    sdk::parse_duration(kMaxFaultDelayText).us};
static_assert(sdk::parse_duration(kMaxFaultDelayText).ok());

// Inside a duration property, after "format": "duration", (then a newline and indentation).
inline constexpr auto kSchemaMaxDelay =
    join(R"JSON("formatMaximum": ")JSON", kMaxFaultDelayText, R"JSON(",
      )JSON");

// "listen" and "upstream", then a comma.
inline constexpr char kSchemaAddresses[] = R"JSON(
    "listen": {
      "type": "string",
      "description": "The proxy's listen address, host:port. Joins the proxy already listening there (declared in the experiment's proxies), or starts one; port 0 starts a new proxy on a free port.",
      "format": "listen-address",
      "pattern": "^(localhost|[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}$",
      "examples": ["127.0.0.1:15432"]
    },
    "upstream": {
      "type": "string",
      "description": "The dependency's address, host:port: a host name (resolved when the proxy starts, and again for new connections when its answer changes) or an IP address; must match the proxy already running at listen.",
      "format": "host-port",
      "pattern": "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})):[0-9]{1,5}$",
      "examples": ["127.0.0.1:5432"]
    },)JSON";

// "direction", then a comma.
inline constexpr char kSchemaDirection[] = R"JSON(
    "direction": {
      "type": "string",
      "enum": ["downstream", "upstream", "both"],
      "description": "Which bytes: downstream = from the dependency (responses), upstream = to it (requests), both.",
      "default": "downstream"
    },)JSON";

// "seed", last (no comma).
inline constexpr char kSchemaSeed[] = R"JSON(
    "seed": {
      "type": "integer",
      "minimum": 0,
      "maximum": 9007199254740991,
      "description": "Seeds the random draws (which connections or requests are hit, jitter) so a run can be replayed; 0 lets chaosctl use the run's seed (or a random one). The seed in force is in the fault's status.",
      "default": 0
    })JSON";

// A duration no longer than `max`. With `fallback` null the field is required.
std::chrono::microseconds parse_bounded_duration(const sdk::Params& params, const char* field,
                                                 const char* fallback,
                                                 std::chrono::microseconds max = kMaxFaultDelay);

// "probability" in [0, 1], default 1.
double parse_probability(const sdk::Params& params);

// "seed"; 0 (or absent) draws a random one, so every fault has a seed to report.
uint64_t parse_seed(const sdk::Params& params);

// "direction" as {upstream, downstream} flags; the text is stored in `name`.
std::array<bool, 2> parse_direction(const sdk::Params& params, std::string& name);

// "5%", "0.5%", "100%": a probability for a log line.
std::string format_percent(double probability);

// Throws InvalidParams naming listen or upstream if `params` moves the fault to another proxy.
void expect_same_addresses(const sdk::Params& params, const Endpoint& listen,
                           const Upstream& upstream);

}  // namespace chaos::network
