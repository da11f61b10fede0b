#pragma once
// HttpFault ("http"): for HTTP/1.x traffic through the proxy at `listen`, answers a fraction of
// the requests (optionally only those with a method and/or a path prefix) with a chosen status
// without forwarding them, and/or holds them for a delay before they go on. Other requests and
// other connections are untouched. The protocol handling is in http_exchange.h.

#include <chaos/plugin.hpp>
#include <memory>
#include <string>

#include "fault_params.h"
#include "rule_fault.h"

namespace chaos::network {

class HttpFault : public RuleFault {
 public:
  static constexpr const char* kName = "http";
  // `proxy = "db"` in an experiment fills listen and upstream from the proxy declared as db.
  static constexpr uint64_t kCapabilities = CHAOS_KIND_ACTS_ON_PROXY;
  static constexpr const char* kSummary =
      "Answers a fraction of HTTP/1.1 requests with an error status, or delays them, without "
      "touching the rest.";
  static constexpr auto kSchemaText = join(R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "http",
  "description": "HTTP/1.x-aware fault on a proxied path, like Envoy's fault filter. Each request that matches method and path_prefix is drawn with probability; a drawn request is held for delay and then either answered by the proxy with status (it never reaches the dependency) or, without status, forwarded. Works on kept-alive and pipelined connections (answers keep the order of the requests), on connections open before the fault started, and on requests with Content-Length or chunked bodies (a chunked request is answered or delayed whole). Connections that are not HTTP/1.x pass through untouched. Metrics: requests_seen, requests_faulted, requests_forwarded (requests that reached the dependency while the fault was on).",
  "type": "object",
  "properties": {)JSON",
                                           kSchemaAddresses, R"JSON(
    "probability": {
      "type": "number",
      "minimum": 0,
      "maximum": 1,
      "description": "The fraction of matching requests faulted, 0..1, drawn per request.",
      "default": 1
    },
    "method": {
      "type": "string",
      "pattern": "^[A-Z]+$",
      "description": "Only requests with this method, e.g. \"POST\". Absent: any method."
    },
    "path_prefix": {
      "type": "string",
      "pattern": "^/",
      "description": "Only requests whose path (with its query) starts with this, e.g. \"/api\" (which also matches \"/api2\"; write \"/api/\" to avoid that). Absent: any path."
    },
    "status": {
      "type": "integer",
      "minimum": 200,
      "maximum": 599,
      "description": "Answer faulted requests with this status, e.g. 503, instead of forwarding them. Absent: forward them (after delay)."
    },
    "body": {
      "type": "string",
      "maxLength": 65536,
      "description": "The body of the answer.",
      "default": "fault injected by chaosctl\n"
    },
    "content_type": {
      "type": "string",
      "description": "The Content-Type of the answer.",
      "default": "text/plain"
    },
    "delay": {
      "type": "string",
      "format": "duration",
      )JSON", kSchemaMaxDelay, R"JSON("description": "Hold each faulted request this long before it is forwarded or answered. Requests behind it on the same connection wait too (HTTP/1.1 answers in order). At most 10m.",
      "default": "0ms"
    },)JSON",
                                           kSchemaSeed, R"JSON(
  },
  "required": ["listen", "upstream"],
  "additionalProperties": false,
  "examples": [{"listen": "127.0.0.1:0", "upstream": "127.0.0.1:8080", "path_prefix": "/api", "status": 503, "probability": 0.1}]
})JSON");
  static constexpr const char* kSchema = kSchemaText.data();

  static std::unique_ptr<HttpFault> create(sdk::Host& host, const sdk::Params& params);
  // Changes everything but listen and upstream.
  void update(const sdk::Params& params) override;

 private:
  static RuleSettings parse(const sdk::Params& params);
  HttpFault(sdk::Host& host, const ProxyAddresses& addresses, RuleSettings settings)
      : RuleFault(host, addresses, kName, std::move(settings)) {}

  const HttpSpec& spec() const { return std::get<HttpSpec>(settings().spec); }
  std::string describe() const override;
  std::vector<Series> own_series() const override;
  void add_own_status(sdk::JsonObject& json) const override;
};

}  // namespace chaos::network
