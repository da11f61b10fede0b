#pragma once
// Target: where a load fault sends its traffic, parsed from "http://HOST:PORT/path" or
// "HOST:PORT", and the blast-radius allowlist it must pass before a single packet is sent.
//
// Safety: the host's target allowlist (chaos_host_api.check_target, ABI 1.2) decides, before
// a single packet is sent. HOST is an IPv4 or IPv6 literal, "localhost" (127.0.0.1 without a
// lookup), or a name the host's allowlist is asked about: the name is resolved once and the
// first address the allowlist allows (by the name, or by a CIDR holding the address) is the
// one traffic goes to. Without that callback (an older host, a unit test) names are refused
// and the allowlist is loopback only: 127.0.0.0/8 and ::1. Thread-safety: plain values; the
// Host's callbacks are thread-safe.

#include <netinet/in.h>
#include <sys/socket.h>

#include <string>
#include <string_view>

namespace chaos::sdk {
class Host;
}

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
// "HOST:PORT", "[V6]:PORT", or a URL (its host and port are used). `gate`: the host whose
// allowlist decides (nullptr: loopback only, no names). Throws sdk::InvalidParams naming
// `field`: malformed, "https" (not supported), a name that does not resolve, or a target the
// allowlist refuses (with the host's reason, which names its rules).
Target parse_target(std::string_view field, std::string_view text, bool url,
                    const sdk::Host* gate = nullptr);

// Whether an address is on the built-in loopback allowlist (127.0.0.0/8 or ::1).
bool is_allowed(const sockaddr_storage& addr);

}  // namespace chaos::load
