#include "address.h"

namespace chaos::network {

namespace asio = boost::asio;

Endpoint parse_endpoint(std::string_view field, std::string_view text, bool allow_port_zero) {
  const std::string name(field);
  const std::string quoted = "'" + std::string(text) + "'";
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    throw sdk::InvalidParams(name, quoted + " is not host:port, e.g. \"127.0.0.1:15432\"");

  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);

  unsigned long port = 0;
  for (const char c : port_text) {
    if (c < '0' || c > '9' || port > 65535)
      throw sdk::InvalidParams(name, quoted + " has a bad port; expected 0..65535");
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if (port > 65535) throw sdk::InvalidParams(name, quoted + " has a bad port; expected 0..65535");
  if (port == 0 && !allow_port_zero)
    throw sdk::InvalidParams(name, quoted + " has port 0, which cannot be connected to");

  boost::system::error_code ec;
  asio::ip::address address = host == "localhost"
                                  ? asio::ip::address(asio::ip::address_v4::loopback())
                                  : asio::ip::make_address(std::string(host), ec);
  if (ec)
    throw sdk::InvalidParams(
        name, quoted + " does not start with an IP address (use a literal like 127.0.0.1)");
  return Endpoint(address, static_cast<unsigned short>(port));
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
