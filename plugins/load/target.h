#pragma once
// Target: where a load fault sends its traffic, parsed from "http://HOST:PORT/path" or
// "HOST:PORT", and the blast-radius allowlist it must pass before a single packet is sent.
//
// Safety: nothing is ever resolved through DNS. HOST must be an IPv4 or IPv6 literal, or
// "localhost" (mapped to 127.0.0.1 without a lookup). The allowlist is loopback only:
// 127.0.0.0/8 and ::1. Thread-safety: pure functions and plain values.

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <string_view>

namespace chaos::load {

struct Target {
  std::string host;      // as written, e.g. "127.0.0.1", "::1", "localhost"
  unsigned short port = 0;
  std::string path = "/";  // for URLs; "/" for HOST:PORT
  sockaddr_storage addr{};  // the resolved (literal) address
  socklen_t addr_len = 0;
  std::string host_header;  // "127.0.0.1:8080", for HTTP's Host:
};

// Parses `text` for the parameter `field`. `url` = true requires "http://"; false accepts
// "HOST:PORT", "[V6]:PORT", or a URL (its host and port are used). Throws
// sdk::InvalidParams naming `field`: malformed, "https" (not supported), a DNS name, or an
// address outside the loopback allowlist.
Target parse_target(std::string_view field, std::string_view text, bool url);

// Whether an address is on the allowlist (127.0.0.0/8 or ::1).
bool is_allowed(const sockaddr_storage& addr);

}  // namespace chaos::load
