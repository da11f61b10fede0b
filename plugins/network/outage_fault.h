#pragma once
// OutageFault ("outage"): the dependency behind the proxy at `listen` goes away, in one of five
// ways (`mode`), for a fraction of the connections:
//
//   refuse      the listener closes: new connections get ECONNREFUSED; it opens again on stop.
//   reset       connections get an RST (SO_LINGER 0) both ways, at once or `delay` after they
//               open (or after the fault starts, for open ones with existing = true).
//   blackhole   nothing is forwarded either way; bytes wait (up to 4 MiB per direction, then
//               TCP backpressure) and flow again on stop. New connections are accepted but the
//               dependency is not connected until the fault stops.
//   timeout     as blackhole, then the proxy closes the connection after `delay`.
//   slow_close  a close (FIN) from either side reaches the other side `delay` late.
//
// `existing` extends the fault to connections open when it starts (refuse: resets them).
// Only connections the fault selects are touched; a normal close stays a FIN.

#include <chaos/plugin.hpp>
#include <memory>
#include <string>

#include "fault_params.h"
#include "rule_fault.h"

namespace chaos::network {

class OutageFault : public RuleFault {
 public:
  static constexpr const char* kName = "outage";
  // `proxy = "db"` in an experiment fills listen and upstream from the proxy declared as db.
  static constexpr uint64_t kCapabilities = CHAOS_KIND_ACTS_ON_PROXY;
  static constexpr const char* kSummary =
      "Makes a dependency refuse, reset, swallow, time out or slowly close its TCP connections.";
  static constexpr auto kSchemaText = join(
      R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "outage",
  "description": "A dependency outage on a proxied TCP path. refuse: the proxy stops listening, so new connections fail with ECONNREFUSED (psql: 'Connection refused'); it listens again on stop. reset: selected connections get a TCP RST (SO_LINGER 0) both ways (psql: 'server closed the connection unexpectedly'; curl: 'Connection reset by peer' or 'Empty reply from server'), at once or after delay. blackhole: the connection is accepted and nothing comes back; the client hits its own timeout (psql with PGCONNECT_TIMEOUT: 'timeout expired'); the dependency is not contacted for new connections, and held bytes flow again on stop. timeout: as blackhole, then the proxy closes the connection (FIN) after delay. slow_close: each close is passed on delay late. limit_data: a selected connection carries at most bytes in the chosen direction(s), counted from when the fault starts acting on it, then closes (FIN to the client). Connections the fault does not select are untouched: their closes stay normal FINs.",
  "type": "object",
  "properties": {)JSON",
      kSchemaAddresses, R"JSON(
    "mode": {
      "type": "string",
      "enum": ["refuse", "reset", "blackhole", "timeout", "slow_close", "limit_data"],
      "description": "How the dependency fails (see the kind's description)."
    },
    "probability": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "description": "The fraction of connections hit, 0..1, drawn once per connection. refuse acts on the listener, so it takes only 1.",
      "default": 1
    },
    "existing": {
      "type": "boolean",
      "description": "Also hit the connections already open when the fault starts (refuse: reset them, as a crashed dependency would). false: only connections opened while it is on.",
      "default": false
    },
    "delay": {
      "type": "string",
      "format": "duration",
      )JSON",
      kSchemaMaxDelay,
      R"JSON("description": "reset: how long a connection lives before its RST (default 0ms: at once); timeout: how long a connection stays silent before the proxy closes it (required); slow_close: how long each close is held (required). Not for refuse, blackhole or limit_data. At most 10m."
    },
    "bytes": {
      "type": "integer",
      "minimum": 0,
      "maximum": 9007199254740991,
      "description": "limit_data only (required there): the bytes a connection may carry in direction before it is closed."
    },
    "direction": {
      "type": "string",
      "enum": ["downstream", "upstream", "both"],
      "description": "limit_data only: which bytes count, downstream = from the dependency (default), upstream = to it, both (each direction has its own limit)."
    },)JSON",
      kSchemaSeed, R"JSON(
  },
  "required": ["listen", "upstream", "mode"],
  "additionalProperties": false,
  "examples": [{"listen": "127.0.0.1:0", "upstream": "127.0.0.1:5432", "mode": "reset", "probability": 0.05}]
})JSON");
  static constexpr const char* kSchema = kSchemaText.data();

  static constexpr int64_t kMaxLimitBytes = 9007199254740991;  // 2^53 - 1: exact in JSON

  static std::unique_ptr<OutageFault> create(sdk::Host& host, const sdk::Params& params);
  // Changes probability, existing (for connections opened from now on), delay and seed; the
  // mode cannot change. The status's achieved_probability counts from the last change.
  void update(const sdk::Params& params) override;

 private:
  static RuleSettings parse(const sdk::Params& params);
  OutageFault(sdk::Host& host, const ProxyAddresses& addresses, RuleSettings settings)
      : RuleFault(host, addresses, kName, std::move(settings)) {}

  const OutageSpec& spec() const { return std::get<OutageSpec>(settings().spec); }
  std::string describe() const override;
  std::vector<Series> own_series() const override;
  void add_own_status(sdk::JsonObject& json) const override;

  // The counts when the probability in force was set (create or the last update), so the
  // status can say what that probability achieved: affected ÷ judged since then.
  uint64_t judged_at_change_ = 0, affected_at_change_ = 0;
};

}  // namespace chaos::network
