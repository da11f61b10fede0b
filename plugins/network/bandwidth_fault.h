#pragma once
// BandwidthFault ("bandwidth"): limits the rate of the bytes on the proxy at `listen`, per
// direction, with a token bucket (token_bucket.h): one per connection (scope "connection"), or
// one for all the proxy's connections together (scope "proxy"). Start, update and stop act
// live on open connections.
//
// Several bandwidth faults on one proxy do not add up: the lowest rate in force wins, per
// scope; a connection obeys its own limit and the proxy-wide one at once.

#include <chaos/plugin.hpp>
#include <memory>
#include <string>

#include "fault_params.h"
#include "rule_fault.h"

namespace chaos::network {

class BandwidthFault : public RuleFault {
 public:
  static constexpr const char* kName = "bandwidth";
  // `proxy = "db"` in an experiment fills listen and upstream from the proxy declared as db.
  static constexpr uint64_t kCapabilities = CHAOS_KIND_ACTS_ON_PROXY;
  static constexpr const char* kSummary =
      "Limits the bytes per second on a dependency's TCP path, per direction: of each "
      "connection, or of all of them together.";
  static constexpr auto kSchemaText = join(R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "bandwidth",
  "description": "Limits the proxied bytes to rate bytes per second in the chosen direction(s), with a token bucket: bursts of up to 50 ms worth of bytes (1 KiB to 64 KiB), never more than rate over time. scope \"connection\": each connection gets rate; scope \"proxy\": all the connections the fault selects share one bucket, so together they get rate (taking turns as tokens accrue, not in equal shares). The proxy then buffers only about a quarter second's worth per connection, so the sender feels the limit as a slow peer (TCP backpressure). Applies to open connections too, and changes live.",
  "type": "object",
  "properties": {)JSON",
                                           kSchemaAddresses, R"JSON(
    "rate": {
      "type": "integer",
      "minimum": 1,
      "maximum": 10000000000,
      "description": "Bytes per second (per connection, or for the whole proxy: see scope), e.g. 131072 for 128 KiB/s.",
      "examples": [131072]
    },
    "scope": {
      "type": "string",
      "enum": ["connection", "proxy"],
      "description": "Whose bytes rate limits: connection = each connection's own (N connections get N x rate), proxy = all the proxy's selected connections together (a shared link).",
      "default": "connection"
    },)JSON",
                                           kSchemaDirection, R"JSON(
    "probability": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "description": "The fraction of connections limited, 0..1, drawn once per connection (open ones included).",
      "default": 1
    },)JSON",
                                           kSchemaSeed, R"JSON(
  },
  "required": ["listen", "upstream", "rate"],
  "additionalProperties": false,
  "examples": [{"listen": "127.0.0.1:0", "upstream": "127.0.0.1:5432", "rate": 131072}]
})JSON");
  static constexpr const char* kSchema = kSchemaText.data();

  static std::unique_ptr<BandwidthFault> create(sdk::Host& host, const sdk::Params& params);
  // Changes rate, scope, direction, probability and seed.
  void update(const sdk::Params& params) override;

 private:
  static RuleSettings parse(const sdk::Params& params, std::string& direction);
  BandwidthFault(sdk::Host& host, const ProxyAddresses& addresses, RuleSettings settings,
                 std::string direction)
      : RuleFault(host, addresses, kName, std::move(settings)), direction_(std::move(direction)) {}

  uint64_t rate() const;
  const BandwidthSpec& spec() const { return std::get<BandwidthSpec>(settings().spec); }
  std::string describe() const override;
  std::vector<Series> own_series() const override;
  void add_own_status(sdk::JsonObject& json) const override;

  std::string direction_;
};

}  // namespace chaos::network
