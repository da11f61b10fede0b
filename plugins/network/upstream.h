#pragma once
// Upstream: a proxy's dependency as the operator wrote it, "db.internal:5432" or
// "127.0.0.1:5432". An IP literal is used as is; a host name is resolved when the proxy starts
// and again, off the connection's path, when new connections arrive (at most once per
// Proxy::kReresolveInterval, and at once after the dependency could not be reached), so a
// moved dependency is followed without restarting the proxy.

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


namespace chaos::network {

using Endpoint = boost::asio::ip::tcp::endpoint;

struct Upstream {
  std::string host;  // an IP address (without brackets) or a host name, lower case
  uint16_t port = 0;
  std::optional<Endpoint> literal;  // set when host is an IP address: never resolved

  bool is_name() const { return !literal.has_value(); }
  // "db.internal:5432", "127.0.0.1:5432", "[::1]:5432".
  std::string text() const;
  bool operator==(const Upstream& other) const { return text() == other.text(); }
  bool operator!=(const Upstream& other) const { return !(*this == other); }
};

// Parses host:port with a host name or IP address and a port 1..65535. Throws
// sdk::InvalidParams naming `field`.
Upstream parse_upstream(std::string_view field, std::string_view text);

// The resolver's answers, IPv4 ones first (a dependency listening on 127.0.0.1 only is reached
// through "localhost" whatever order the resolver gives), each once.
std::vector<Endpoint> prefer_ipv4(const boost::asio::ip::tcp::resolver::results_type& results);

// Which address new connections should use after a look-up: nullopt to keep `current` (it is
// still among the answers, or there are none: a failed look-up must not become an outage),
// else the first answer.
std::optional<Endpoint> next_address(const std::vector<Endpoint>& answers, const Endpoint& current);

// Resolves a name upstream now (blocking) and returns the address to use; an IP literal is
// returned as is. Throws sdk::Error naming the upstream when the name has no address.
Endpoint resolve_now(const Upstream& upstream);

}  // namespace chaos::network
