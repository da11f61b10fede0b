#pragma once
// LatencyFault ("latency"): delays the bytes on the proxy at `listen`, per direction, with
// jitter, on a fraction of the connections; optionally holds back a new connection's first
// byte. Start, update and stop act live on open connections. Semantics in delay_queue.h.
//
// Several latency faults on one proxy add up (delays and jitters are summed per direction).

#include <chaos/plugin.hpp>
#include <memory>
#include <string>

#include "fault_params.h"
#include "rule_fault.h"

namespace chaos::network {

class LatencyFault : public RuleFault {
 public:
  static constexpr const char* kName = "latency";
  // `proxy = "db"` in an experiment fills listen and upstream from the proxy declared as db.
  static constexpr uint64_t kCapabilities = CHAOS_KIND_ACTS_ON_PROXY;
  static constexpr const char* kSummary =
      "Delays the bytes of a dependency's TCP path, per direction, with jitter, on a fraction "
      "of its connections.";
  static constexpr auto kSchemaText = join(R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "latency",
  "description": "Adds delay to a proxied TCP path. Each chunk of bytes is released at max(arrival + delay + U(-jitter, +jitter) clamped at 0, release of the previous chunk): bytes keep their order, and a large transfer pays the delay once, not once per chunk: the proxy holds what is in flight (rate x delay), growing its buffers up to max_buffer, so the delay does not cap throughput. Applies to open connections too, and changes live. A userspace proxy cannot delay the TCP handshake itself (the kernel completes it before the proxy sees the connection); use first_byte_delay for a slow connection set-up.",
  "type": "object",
  "properties": {)JSON",
                                           kSchemaAddresses, R"JSON(
    "delay": {
      "type": "string",
      "format": "duration",
      )JSON", kSchemaMaxDelay, R"JSON("description": "Added to every chunk in the chosen direction(s), e.g. \"200ms\". 0ms to use only first_byte_delay. At most 10m.",
      "examples": ["200ms"]
    },
    "jitter": {
      "type": "string",
      "format": "duration",
      )JSON", kSchemaMaxDelay, R"JSON("description": "Uniform random variation of the delay, +/- this much, drawn per chunk (the total never goes below 0). At most 10m.",
      "default": "0ms"
    },)JSON",
                                           kSchemaDirection, R"JSON(
    "probability": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "description": "The fraction of connections delayed, 0..1, drawn once per connection (open ones included). 1: every connection.",
      "default": 1
    },
    "first_byte_delay": {
      "type": "string",
      "format": "duration",
      )JSON", kSchemaMaxDelay, R"JSON("description": "For connections opened while the fault is on: the proxy connects to the dependency this long after accepting the client, so nothing flows either way before then. The nearest a userspace proxy comes to a slow TCP handshake: the client's connect() itself still returns at once. At most 10m.",
      "default": "0ms"
    },
    "max_buffer": {
      "type": "integer",
      "minimum": 0,
      "maximum": 17179869184,
      "description": "Bytes the proxy may hold for delayed transfers beyond the 4 MiB every connection and direction always gets, all connections together. A transfer of T bytes/s through a delay d holds T x d; past this budget the proxy stops reading (backpressure, counted in buffer_backpressure). 0: never grow (throughput per connection at most 4 MiB / delay). Several latency faults on one proxy: the smallest wins.",
      "default": 268435456
    },)JSON",
                                           kSchemaSeed, R"JSON(
  },
  "required": ["listen", "upstream", "delay"],
  "additionalProperties": false,
  "examples": [{"listen": "127.0.0.1:0", "upstream": "127.0.0.1:5432", "delay": "200ms", "jitter": "50ms"}]
})JSON");
  static constexpr const char* kSchema = kSchemaText.data();

  static std::unique_ptr<LatencyFault> create(sdk::Host& host, const sdk::Params& params);

  // The largest max_buffer accepted: 16 GiB.
  static constexpr int64_t kMaxBufferLimit = 16ll << 30;

  // Changes delay, jitter, direction, probability, first_byte_delay, max_buffer and seed;
  // listen and upstream cannot change.
  void update(const sdk::Params& params) override;

 private:
  struct Text {
    std::string direction;
  };
  static RuleSettings parse(const sdk::Params& params, Text& text);
  LatencyFault(sdk::Host& host, const ProxyAddresses& addresses, RuleSettings settings, Text text)
      : RuleFault(host, addresses, kName, std::move(settings)), text_(std::move(text)) {}

  const LatencySpec& spec() const { return std::get<LatencySpec>(settings().spec); }
  std::string describe() const override;
  std::vector<Series> own_series() const override;
  void add_own_status(sdk::JsonObject& json) const override;

  Text text_;
};

}  // namespace chaos::network
