#pragma once
// ProxyFault ("proxy"): a transparent TCP proxy on the dependency path. An experiment starts it
// before the baseline so the path through the proxy exists the whole run; latency (and later
// outage) kinds naming the same listen address act on this proxy.
//
// start binds (or joins the proxy already there) and reports metrics; stop ends the metrics
// but leaves the passthrough in place, because closing it would itself be an outage for a
// client pointed at it; destroy releases the port once no other fault uses it.

#include <chaos/plugin.hpp>
#include <memory>
#include <string>

#include "proxy_attachment.h"

namespace chaos::network {

class ProxyFault : public sdk::Fault {
 public:
  static constexpr const char* kName = "proxy";
  // Declared under an experiment's `proxies = {...}`; the other kinds act on it.
  static constexpr uint64_t kCapabilities = CHAOS_KIND_PROVIDES_PROXY;
  static constexpr const char* kSummary =
      "A transparent TCP proxy from a listen address to a dependency, for other kinds to act on.";
  static constexpr const char* kSchema = R"JSON({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "proxy",
  "description": "Forwards TCP connections from listen to upstream unchanged. Point the system under test at listen.",
  "type": "object",
  "properties": {
    "listen": {
      "type": "string",
      "description": "Address to listen on, host:port. Port 0 picks a free port (see status).",
      "format": "listen-address",
      "pattern": "^(localhost|[0-9]{1,3}(\\.[0-9]{1,3}){3}|\\[[0-9A-Fa-f:.]+\\]):[0-9]{1,5}$",
      "examples": ["127.0.0.1:15432"]
    },
    "upstream": {
      "type": "string",
      "description": "The dependency's address, host:port: a host name (resolved when the proxy starts, and again for new connections when its answer changes) or an IP address.",
      "format": "host-port",
      "pattern": "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})):[0-9]{1,5}$",
      "examples": ["127.0.0.1:5432"]
    }
  },
  "required": ["listen", "upstream"],
  "additionalProperties": false
})JSON";

  static std::unique_ptr<ProxyFault> create(sdk::Host& host, const sdk::Params& params);
  ~ProxyFault() override;

  void start() override;
  void stop() override;
  std::string status_json() override;

 private:
  ProxyFault(sdk::Host& host, const ProxyAddresses& addresses);

  sdk::Host& host_;
  ProxyAttachment attachment_;
  bool active_ = false;
};

}  // namespace chaos::network
