#pragma once
// Which Host headers the server answers. Reads are open to whoever reaches the port, so a web
// page on another site must not reach it through DNS rebinding (its name re-pointed at
// 127.0.0.1): the browser would still send that site's name in Host. The server answers only
// to loopback names, the name it listens on, and names the operator allows (--allow-host).
//
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace chaos::server {

// The host part of a Host header, lower-cased, without port or IPv6 brackets:
// "LocalHost:8080" -> "localhost", "[::1]:8080" -> "::1".
std::string host_name_of(std::string_view host_header);

// True when `host_header` names localhost, a loopback address, `listen_host`, or one of
// `allowed` (compared without port, case-insensitively). An absent Host (HTTP/1.0 tools) is
// allowed: browsers always send one.
bool host_allowed(std::string_view host_header, std::string_view listen_host,
                  const std::vector<std::string>& allowed);

}  // namespace chaos::server
