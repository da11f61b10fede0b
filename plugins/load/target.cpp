#include "target.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <chaos/plugin.hpp>
#include <cstring>
#include <optional>
#include <vector>

namespace chaos::load {
namespace {

[[noreturn]] void bad(std::string_view field, const std::string& why) {
  throw sdk::InvalidParams(std::string(field), why);
}

// Fills t.addr from an address literal; false when `literal` is not one.
bool fill_address(const std::string& literal, unsigned short port, Target& t) {
  std::memset(&t.addr, 0, sizeof t.addr);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&t.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&t.addr);
  if (inet_pton(AF_INET, literal.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    t.addr_len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, literal.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    t.addr_len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

bool loopback(const std::string& literal) {
  Target t;
  return fill_address(literal, 1, t) && is_allowed(t.addr);
}

// The addresses `name` resolves to, in the resolver's order, without duplicates.
std::vector<std::string> resolve(std::string_view field, const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found); rc != 0) {
    bad(field, "'" + name + "' does not resolve: " + gai_strerror(rc));
  }
  std::vector<std::string> out;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* bytes =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
    if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
        inet_ntop(a->ai_family, bytes, text, sizeof text) &&
        std::find(out.begin(), out.end(), text) == out.end()) {
      out.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  if (out.empty()) bad(field, "'" + name + "' resolves to no IPv4 or IPv6 address");
  return out;
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

Target parse_target(std::string_view field, std::string_view text, bool url,
                    const sdk::Host* gate) {
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
  // "localhost" is 127.0.0.1 without a lookup (what /etc/hosts says first varies).
  const std::string literal = t.host == "localhost" ? "127.0.0.1" : t.host;
  std::vector<std::string> candidates;
  if (fill_address(literal, t.port, t)) {
    candidates.push_back(literal);
  } else if (gate == nullptr || !gate->has_target_check()) {
    bad(field, "'" + t.host +
                   "' is not an IP address; without the host's target allowlist names are "
                   "never resolved (DNS could point anywhere). Use 127.0.0.1, ::1 or localhost");
  } else {
    candidates = resolve(field, t.host);
  }
  // The first address the allowlist allows is the one traffic goes to: the name is never
  // looked up again, so its answer cannot change under the check.
  std::string refused;
  for (const auto& address : candidates) {
    std::optional<std::string> verdict =
        gate ? gate->check_target(t.host, address) : std::optional<std::string>();
    if (!verdict) {
      verdict = loopback(address) ? ""
                                  : "'" + t.host +
                                        "' is outside the allowlist: load faults may only "
                                        "target loopback (127.0.0.0/8, ::1, localhost)";
    }
    if (verdict->empty()) {
      fill_address(address, t.port, t);
      if (address != literal && gate) {
        gate->info("target " + t.host + " resolved to " + address + " (allowed)");
      }
      refused.clear();
      break;
    }
    if (refused.empty()) refused = *verdict;
  }
  if (!refused.empty()) bad(field, refused);
  const bool v6host = t.host.find(':') != std::string::npos;  // an IPv6 literal
  t.host_header = (v6host ? "[" + t.host + "]" : t.host) + ":" + std::to_string(t.port);
  return t;
}

}  // namespace chaos::load
