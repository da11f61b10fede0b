#pragma once
// TargetAllowlist: where chaosctl may send traffic of its own making — a flood, held
// connections (pool exhaustion), probes. The blast radius is explicit: a target is allowed only
// when a rule matches it, and the default is loopback only (127.0.0.0/8 and ::1).
//
// A rule is a CIDR ("10.20.0.0/16", "fd00::/8"), a single address ("10.20.1.7", "::1"), or a
// host name ("staging.internal", or "*.staging.internal" for every name below it). Names
// compare without case and without a trailing dot. A target reached by a name is allowed when
// a name rule matches the name, or when a CIDR rule holds the address the name resolved to
// (the address the caller then connects to: it resolves once, checks, and keeps that address).
// IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are judged as the IPv4 address they carry.
//
// Giving rules replaces the default: `--allow-target 10.20.0.0/16` alone no longer allows
// loopback. Thread-safety: an immutable value once built; const methods from any thread.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace chaos {

class TargetAllowlist {
 public:
  // The default: 127.0.0.0/8 and ::1/128.
  static TargetAllowlist loopback_only();
  // `rules` as an operator wrote them, from `origin` (e.g. "--allow-target"), which errors and
  // refusals name. An empty list is the default. InvalidArgument names the rule that is wrong.
  static Result<TargetAllowlist> parse(const std::vector<std::string>& rules,
                                       const std::string& origin = "--allow-target");

  // Ok when traffic may go to `address` (an IPv4 or IPv6 literal) reached as `host` (the name
  // as written, or the literal itself). Otherwise InvalidArgument saying which allowlist
  // refused it, its rules, and how to allow it.
  Status check(std::string_view host, std::string_view address) const;

  // The rules in their canonical form ("127.0.0.2/32", "::1/128", "localhost").
  std::vector<std::string> rules() const;
  bool is_default() const { return default_; }
  // "127.0.0.0/8, ::1/128 (the default: loopback only)" or "10.0.0.0/8 (from --allow-target)".
  std::string describe() const;

 private:
  struct Rule {
    enum class Kind { kCidr, kName, kNameSuffix } kind = Kind::kCidr;
    bool v6 = false;
    std::array<uint8_t, 16> bytes{};  // network address (4 bytes used for v4)
    int prefix = 0;
    std::string name;  // lowercase, no trailing dot; for kNameSuffix without the "*."
    std::string text;  // canonical form
  };
  static Result<Rule> parse_rule(std::string_view text, const std::string& origin);
  bool matches_name(std::string_view host) const;
  bool matches_address(std::string_view address) const;

  std::vector<Rule> rules_;
  std::string origin_;
  bool default_ = false;
};

}  // namespace chaos
