#include "listen_address.h"

#include <charconv>
#include <string>

namespace chaos::demo {

namespace net = boost::asio;
using net::ip::tcp;

Result<tcp::endpoint> parse_host_port(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::invalid_argument(quoted + " is not host:port (e.g. 127.0.0.1:8080)");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return Status::invalid_argument(quoted + " has no valid port (0-65535)");
  }
  boost::system::error_code addr_ec;
  auto address = net::ip::make_address(std::string(host), addr_ec);
  if (addr_ec) {
    return Status::invalid_argument(quoted + ": '" + std::string(host) +
                                    "' is not an IP address (host names are not resolved)");
  }
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

Result<tcp::endpoint> parse_loopback_address(std::string_view text) {
  auto endpoint = parse_host_port(text);
  if (!endpoint) return endpoint;
  if (!endpoint->address().is_loopback()) {
    return Status::invalid_argument(
        "refusing to use " + endpoint->address().to_string() +
        ": the demo services only use loopback addresses (127.0.0.0/8 or ::1)");
  }
  return endpoint;
}

Result<tcp::acceptor> open_listener(net::io_context& ioc, const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  tcp::acceptor acceptor(ioc);
  acceptor.open(endpoint.protocol(), ec);
  // Lets a restarted demo rebind at once instead of waiting out TIME_WAIT.
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::string where = endpoint.address().to_string();
    if (endpoint.address().is_v6()) where = "[" + where + "]";
    return Status::io_error("cannot listen on " + where + ":" + std::to_string(endpoint.port()) +
                            ": " + ec.message());
  }
  return acceptor;
}

}  // namespace chaos::demo
