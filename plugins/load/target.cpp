#include "target.h"

#include <arpa/inet.h>

#include <chaos/plugin.hpp>
#include <cstring>

namespace chaos::load {
namespace {

[[noreturn]] void bad(std::string_view field, const std::string& why) {
  throw sdk::InvalidParams(std::string(field), why);
}

}  // namespace

bool is_allowed(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    return (ntohl(a.sin_addr.s_addr) >> 24) == 127;
  }
  if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    return IN6_IS_ADDR_LOOPBACK(&a.sin6_addr);
  }
  return false;
}

Target parse_target(std::string_view field, std::string_view text, bool url) {
  Target t;
  std::string_view rest = text;
  const bool has_scheme = rest.find("://") != std::string_view::npos;
  if (has_scheme) {
    if (rest.substr(0, 7) != "http://") {
      bad(field, "'" + std::string(text) + "': only http:// is supported");
    }
    rest.remove_prefix(7);
  } else if (url) {
    bad(field, "'" + std::string(text) + "' is not a URL; expected http://HOST:PORT/path");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) t.path = std::string(rest.substr(slash));
  std::string_view host;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) bad(field, "'" + std::string(text) + "': unclosed '['");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') bad(field, "'" + std::string(text) + "': bad port");
      port_text = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (host.empty()) bad(field, "'" + std::string(text) + "' has no host");
  if (port_text.empty()) {
    if (!has_scheme) bad(field, "'" + std::string(text) + "' has no port; expected HOST:PORT");
    t.port = 80;
  } else {
    unsigned long p = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || p > 65535) bad(field, "'" + std::string(text) + "': bad port");
      p = p * 10 + static_cast<unsigned long>(c - '0');
    }
    if (p == 0 || p > 65535) bad(field, "'" + std::string(text) + "': port must be 1..65535");
    t.port = static_cast<unsigned short>(p);
  }
  t.host = std::string(host);
  std::string literal = t.host == "localhost" ? "127.0.0.1" : t.host;
  std::memset(&t.addr, 0, sizeof t.addr);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&t.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&t.addr);
  if (inet_pton(AF_INET, literal.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(t.port);
    t.addr_len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, literal.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(t.port);
    t.addr_len = sizeof(sockaddr_in6);
  } else {
    bad(field, "'" + t.host +
                   "' is not an IP address; names are never resolved (DNS could point "
                   "anywhere). Use 127.0.0.1, ::1 or localhost");
  }
  if (!is_allowed(t.addr)) {
    bad(field, "'" + t.host +
                   "' is outside the allowlist: load faults may only target loopback "
                   "(127.0.0.0/8, ::1, localhost)");
  }
  const bool v6host = t.addr.ss_family == AF_INET6 && t.host != "localhost";
  t.host_header = (v6host ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port);
  return t;
}

}  // namespace chaos::load
