#include "server/host_check.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

namespace chaos::server {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Addresses are parsed, not prefix-matched: "127.evil.example" is a name, not loopback.
bool is_loopback_name(const std::string& name) {
  if (name == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, name.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, name.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

std::string host_name_of(std::string_view host_header) {
  if (!host_header.empty() && host_header.front() == '[') {
    const size_t close = host_header.find(']');
    return lower(host_header.substr(1, close == std::string_view::npos ? std::string_view::npos
                                                                        : close - 1));
  }
  const size_t colon = host_header.find(':');
  return lower(host_header.substr(0, colon));
}

bool host_allowed(std::string_view host_header, std::string_view listen_host,
                  const std::vector<std::string>& allowed) {
  if (host_header.empty()) return true;
  const std::string name = host_name_of(host_header);
  if (is_loopback_name(name) || name == host_name_of(listen_host)) return true;
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return host_name_of(a) == name; });
}

}  // namespace chaos::server
