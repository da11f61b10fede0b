#pragma once
// "host:port" parsing for the demo's --listen and --db flags, and opening a listener.
// Only numeric IP literals are accepted (no DNS): the demo must never wander off the machine
// because a name resolved somewhere unexpected.
//
// Thread-safety: pure functions.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string_view>

#include "common/status.h"

namespace chaos::demo {

// Parses "127.0.0.1:8080" or "[::1]:8080". Port 0 is allowed (the OS picks one).
Result<boost::asio::ip::tcp::endpoint> parse_host_port(std::string_view text);

// As parse_host_port, and additionally refuses anything outside 127.0.0.0/8 and ::1, so a demo
// service (deliberately slow and fragile) is never reachable from the network.
Result<boost::asio::ip::tcp::endpoint> parse_loopback_address(std::string_view text);

// Opens, binds and listens on `endpoint`; the error names the address.
Result<boost::asio::ip::tcp::acceptor> open_listener(
    boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace chaos::demo
