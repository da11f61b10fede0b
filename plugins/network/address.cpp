#include "address.h"

namespace chaos::network {

namespace asio = boost::asio;

Endpoint parse_endpoint(std::string_view field, std::string_view text, bool allow_port_zero) {
  const std::string name(field);
  // The SDK's grammar: the same the host's "host-port" and "listen-address" formats check.
  const sdk::HostPort parsed = sdk::parse_host_port(text, allow_port_zero);
  if (!parsed.ok()) throw sdk::InvalidParams(name, parsed.error);
  boost::system::error_code ec;
  asio::ip::address address = parsed.host == "localhost"
                                  ? asio::ip::address(asio::ip::address_v4::loopback())
                                  : asio::ip::make_address(parsed.host, ec);
  if (ec)
    throw sdk::InvalidParams(name, "'" + std::string(text) +
                                       "' does not start with an IP address (use a literal like "
                                       "127.0.0.1)");
  return Endpoint(address, parsed.port);
}

std::string to_string(const Endpoint& endpoint) {
  const auto& address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

ProxyAddresses parse_proxy_addresses(const sdk::Params& params) {
  ProxyAddresses addresses;
  addresses.listen = parse_endpoint("listen", params.get_string("listen"), true);
  addresses.upstream = parse_upstream("upstream", params.get_string("upstream"));
  return addresses;
}

}  // namespace chaos::network
