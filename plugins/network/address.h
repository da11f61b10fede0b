#pragma once
// "host:port" parameters ↔ TCP endpoints. A listen address is an IP literal ("127.0.0.1",
// "[::1]") or "localhost", never looked up; an upstream may also be a host name (upstream.h).

#include <boost/asio/ip/tcp.hpp>
#include <chaos/plugin.hpp>
#include <string>
#include <string_view>

#include "upstream.h"

namespace chaos::network {

// Parses `text` as host:port. Throws sdk::InvalidParams naming `field` when it is not one, or
// when the port is 0 and !allow_port_zero.
Endpoint parse_endpoint(std::string_view field, std::string_view text, bool allow_port_zero);

// "127.0.0.1:15432", "[::1]:15432".
std::string to_string(const Endpoint& endpoint);

// The two addresses every kind of this plugin takes.
struct ProxyAddresses {
  Endpoint listen;    // port 0 allowed: any free port
  Upstream upstream;  // port 0 rejected; a host name is resolved by the proxy
};

// Reads the required "listen" and "upstream" parameters; throws sdk::InvalidParams naming one.
ProxyAddresses parse_proxy_addresses(const sdk::Params& params);

}  // namespace chaos::network
