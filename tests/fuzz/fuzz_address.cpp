// Fuzz target: the addresses operators write in fault parameters. The network plugin's
// host:port (proxy listen/upstream) and the load plugin's targets, which must pass the
// blast-radius allowlist. Properties: no crash; an accepted host:port prints back to itself
// when parsed again; an accepted load target is on loopback, whatever the spelling.
#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "address.h"
#include "fuzz/fuzz_check.h"
#include "target.h"

namespace {

bool really_loopback(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
    return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    return std::memcmp(&v6->sin6_addr, &in6addr_loopback, sizeof(in6_addr)) == 0;
  }
  return false;
}

void check_endpoint(std::string_view text, bool allow_port_zero) {
  chaos::network::Endpoint endpoint;
  try {
    endpoint = chaos::network::parse_endpoint("listen", text, allow_port_zero);
  } catch (const chaos::sdk::InvalidParams& e) {
    FUZZ_CHECK(std::string(e.what()).find("listen") != std::string::npos,
               "the error must name the field: %s", e.what());
    return;
  }
  FUZZ_CHECK(allow_port_zero || endpoint.port() != 0, "port 0 accepted");
  const std::string shown = chaos::network::to_string(endpoint);
  try {
    const auto again = chaos::network::parse_endpoint("listen", shown, allow_port_zero);
    FUZZ_CHECK(again == endpoint, "'%s' prints as '%s', a different endpoint", 
               std::string(text).c_str(), shown.c_str());
  } catch (const chaos::sdk::InvalidParams& e) {
    FUZZ_CHECK(false, "'%s' prints as '%s', which is refused: %s", std::string(text).c_str(),
               shown.c_str(), e.what());
  }
}

void check_target(std::string_view text, bool url) {
  try {
    const chaos::load::Target t = chaos::load::parse_target("target", text, url);
    FUZZ_CHECK(really_loopback(t.addr), "'%s' was accepted as a target off loopback",
               std::string(text).c_str());
    FUZZ_CHECK(chaos::load::is_allowed(t.addr), "accepted but not allowed: '%s'",
               std::string(text).c_str());
    FUZZ_CHECK(!t.path.empty() && t.path.front() == '/', "path '%s' of '%s'", t.path.c_str(),
               std::string(text).c_str());
  } catch (const chaos::sdk::InvalidParams&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_endpoint(text, (data[0] & 1) != 0);
  check_target(text, (data[0] & 2) != 0);
  return 0;
}
