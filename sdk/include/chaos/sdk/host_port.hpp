// chaos/sdk/host_port.hpp — "host:port" parameters as chaosctl checks them: the grammar behind
// the schema formats "host-port" (an address to connect to: port 1..65535) and
// "listen-address" (an address to listen on: port 0..65535, 0 = any free port). A plugin that
// splits addresses here accepts exactly what the host validated.
//
//   host-port := host ":" port          "127.0.0.1:5432", "[::1]:8080", "db.internal:5432"
//   host      := IPv4 literal | "[" IPv6 literal "]" | host name (letters, digits, '-', '_', '.')
//
// Whether a name is allowed at all (a plugin may insist on IP literals, so that create never
// waits for DNS) is the plugin's rule, for its schema's "pattern" to state. Nothing here
// resolves names. Thread-safety: pure functions.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace chaos::sdk {

struct HostPort {
  std::string host;  // as written, without the brackets of an IPv6 literal
  uint16_t port = 0;
  bool ipv6 = false;
  std::string error;  // empty when the text parsed; otherwise what is wrong, for people
  bool ok() const noexcept { return error.empty(); }
};

namespace host_port_detail {

inline bool is_ipv4_shaped(std::string_view host) {
  for (const char c : host)
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  return true;
}

// RFC 1123 names: labels of letters, digits and '-', 1..63 bytes, not starting or ending with
// '-'; at most 253 bytes in all. '_' is allowed too, as resolvers do for the service names of
// Docker Compose and Kubernetes ("my_db"). A trailing '.' is refused (it means nothing to a
// client here).
inline bool is_dns_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label = 0;
  char previous = '.';
  for (const char c : host) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (c == '.') {
      if (label == 0 || previous == '-') return false;
      label = 0;
    } else if (alnum || c == '-' || c == '_') {
      if ((label == 0 && c == '-') || ++label > 63) return false;
    } else {
      return false;
    }
    previous = c;
  }
  return label > 0 && previous != '-';
}

}  // namespace host_port_detail

// Parses "host:port". `allow_port_zero`: true for a listen address (0 = any free port).
inline HostPort parse_host_port(std::string_view text, bool allow_port_zero) {
  using namespace host_port_detail;
  HostPort out;
  const std::string quoted = "'" + std::string(text) + "'";
  const std::string example =
      allow_port_zero ? "\"127.0.0.1:15432\" (port 0: any free port)" : "\"127.0.0.1:5432\"";
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    out.error = quoted + " is not host:port, like " + example;
    return out;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);

  uint32_t value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9' || port.size() > 5) {
      out.error = quoted + " has a bad port '" + std::string(port) + "'; expected " +
                  (allow_port_zero ? "0..65535" : "1..65535");
      return out;
    }
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) {
    out.error = quoted + " has port " + std::to_string(value) + "; ports go up to 65535";
    return out;
  }
  if (value == 0 && !allow_port_zero) {
    out.error = quoted + " has port 0, which cannot be connected to; expected 1..65535";
    return out;
  }
  out.port = static_cast<uint16_t>(value);

  if (host.front() == '[') {
    in6_addr v6{};
    const std::string inner(host.substr(1, host.size() >= 2 ? host.size() - 2 : 0));
    if (host.size() < 3 || host.back() != ']' || inet_pton(AF_INET6, inner.c_str(), &v6) != 1) {
      out.error = quoted + " does not hold a valid IPv6 address between [ and ]";
      return out;
    }
    out.host = inner;
    out.ipv6 = true;
    return out;
  }
  if (host.find(':') != std::string_view::npos) {
    out.error =
        quoted + ": an IPv6 address needs brackets, like \"[::1]:" + std::string(port) + "\"";
    return out;
  }
  out.host = std::string(host);
  if (is_ipv4_shaped(host)) {
    in_addr v4{};
    if (inet_pton(AF_INET, out.host.c_str(), &v4) != 1)
      out.error = quoted + " does not hold a valid IPv4 address (four numbers 0..255)";
    return out;
  }
  if (!is_dns_name(host)) out.error = quoted + " does not start with an IP address or a host name";
  return out;
}

}  // namespace chaos::sdk
