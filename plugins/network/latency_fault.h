#pragma once
// LatencyFault ("latency"): delays the bytes on the proxy at `listen` (joining the running proxy
// there, or starting one), per direction, with jitter. start adds the delay, stop removes it,
// update changes it, all live on open connections. Semantics in delay_queue.h.
//
// Several latency faults on one proxy add up (delays and jitters are summed per direction).

#include <chaos/plugin.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "proxy_attachment.h"

namespace chaos::network {

class LatencyFault : public sdk::Fault {
 public:
  static constexpr const char* kName = "latency";
  static constexpr const char* kSummary =
      "Delays the bytes of a dependency's TCP path through a proxy, per direction, with jitter.";
  static constexpr const char* kSchema = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "latency",
  "description": "Adds delay to a proxied TCP path. Each chunk is released at max(arrival + delay + U(-jitter, +jitter) clamped at 0, release of the previous chunk): bytes keep their order and a large transfer pays the delay once. Joins the proxy already listening at listen, or starts one.",
  "type": "object",
  "properties": {
    "listen": {
      "type": "string",
      "description": "The proxy's listen address, host:port. Port 0 starts a new proxy on a free port.",
      "pattern": "^(localhost|[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}$",
      "examples": ["127.0.0.1:15432"]
    },
    "upstream": {
      "type": "string",
      "description": "The dependency's address, host:port; must match a proxy already running at listen.",
      "pattern": "^(localhost|[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}$",
      "examples": ["127.0.0.1:5432"]
    },
    "delay": {
      "type": "string",
      "format": "duration",
      "description": "Added to every chunk, e.g. \"200ms\". At most 10m.",
      "examples": ["200ms"]
    },
    "jitter": {
      "type": "string",
      "format": "duration",
      "description": "Uniform random variation of the delay, +/- this much (the total never goes below 0). At most 10m.",
      "default": "0ms"
    },
    "direction": {
      "type": "string",
      "enum": ["downstream", "upstream", "both"],
      "description": "downstream: responses from the dependency; upstream: requests to it; both.",
      "default": "downstream"
    },
    "seed": {
      "type": "integer",
      "minimum": 0,
      "maximum": 9007199254740991,
      "description": "Seeds the jitter draws for reproducible runs; 0 picks a random seed.",
      "default": 0
    }
  },
  "required": ["listen", "upstream", "delay"],
  "additionalProperties": false
})JSON";

  static constexpr std::chrono::minutes kMaxDelay{10};

  static std::unique_ptr<LatencyFault> create(sdk::Host& host, const sdk::Params& params);
  ~LatencyFault() override;

  void start() override;
  void stop() override;
  std::string status_json() override;
  // Changes delay, jitter, direction and seed; listen and upstream cannot change.
  void update(const sdk::Params& params) override;

 private:
  struct Settings {
    std::chrono::microseconds delay{0};
    std::chrono::microseconds jitter{0};
    std::string direction = "downstream";
    uint64_t seed = 0;
  };
  static Settings parse_settings(const sdk::Params& params);

  LatencyFault(sdk::Host& host, const ProxyAddresses& addresses, Settings settings);
  void apply();
  std::string describe() const;

  sdk::Host& host_;
  ProxyAttachment attachment_;
  Settings settings_;
  bool active_ = false;
};

}  // namespace chaos::network
