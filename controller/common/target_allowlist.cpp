#include "common/target_allowlist.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace chaos {

namespace {

std::string lowercase_name(std::string_view text) {
  std::string out(text);
  if (!out.empty() && out.back() == '.') out.pop_back();
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Letters, digits, hyphens and dots, no empty label: a DNS name as a person writes one.
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0;
}

// An address literal as 16 bytes; an IPv4-mapped IPv6 address becomes its IPv4 address.
bool parse_address(std::string_view text, bool& v6, std::array<uint8_t, 16>& bytes) {
  const std::string s(text);
  bytes.fill(0);
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    v6 = false;
    std::memcpy(bytes.data(), &a4, 4);
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
      v6 = false;
      std::memcpy(bytes.data(), a6.s6_addr + 12, 4);
    } else {
      v6 = true;
      std::memcpy(bytes.data(), a6.s6_addr, 16);
    }
    return true;
  }
  return false;
}

bool prefix_matches(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b,
                    int prefix) {
  for (int bit = 0; bit < prefix; ++bit) {
    const int byte = bit / 8;
    const uint8_t mask = static_cast<uint8_t>(0x80 >> (bit % 8));
    if ((a[byte] & mask) != (b[byte] & mask)) return false;
  }
  return true;
}

std::string address_text(bool v6, const std::array<uint8_t, 16>& bytes) {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), out, sizeof out);
  return out;
}

}  // namespace

Result<TargetAllowlist::Rule> TargetAllowlist::parse_rule(std::string_view text,
                                                          const std::string& origin) {
  const std::string quoted = origin + " '" + std::string(text) + "'";
  Rule rule;
  if (text.empty()) return Status::invalid_argument(origin + ": an empty rule");
  const size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  if (parse_address(address, rule.v6, rule.bytes)) {
    const int bits = rule.v6 ? 128 : 32;
    rule.prefix = bits;
    if (slash != std::string_view::npos) {
      const std::string_view p = text.substr(slash + 1);
      if (p.empty() || p.size() > 3 ||
          !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Status::invalid_argument(quoted +
                                        ": the prefix length after '/' must be a "
                                        "number from 0 to " +
                                        std::to_string(bits));
      }
      rule.prefix = std::stoi(std::string(p));
      if (rule.prefix > bits) {
        return Status::invalid_argument(quoted + ": the prefix length must be 0 to " +
                                        std::to_string(bits));
      }
    }
    std::array<uint8_t, 16> network{};
    for (int bit = 0; bit < rule.prefix; ++bit) {
      network[bit / 8] |= rule.bytes[bit / 8] & static_cast<uint8_t>(0x80 >> (bit % 8));
    }
    const std::string canonical =
        address_text(rule.v6, network) + "/" + std::to_string(rule.prefix);
    if (network != rule.bytes) {
      return Status::invalid_argument(quoted + ": has bits set past its /" +
                                      std::to_string(rule.prefix) + " prefix; did you mean " +
                                      canonical + "?");
    }
    rule.text = canonical;
    return rule;
  }
  if (slash != std::string_view::npos) {
    return Status::invalid_argument(quoted +
                                    ": not a CIDR (expected e.g. 10.20.0.0/16 or "
                                    "fd00::/8)");
  }
  std::string name = lowercase_name(text);
  if (name.rfind("*.", 0) == 0) {
    rule.kind = Rule::Kind::kNameSuffix;
    name.erase(0, 2);
  } else {
    rule.kind = Rule::Kind::kName;
  }
  if (!valid_name(name)) {
    return Status::invalid_argument(quoted +
                                    ": not an address, a CIDR or a host name (expected e.g. "
                                    "10.20.0.0/16, 10.20.1.7, ::1, staging.internal or "
                                    "*.staging.internal)");
  }
  rule.name = name;
  rule.text = rule.kind == Rule::Kind::kNameSuffix ? "*." + name : name;
  return rule;
}

TargetAllowlist TargetAllowlist::loopback_only() {
  auto list = parse({"127.0.0.0/8", "::1/128"}, "the default allowlist");
  TargetAllowlist out = list.value();
  out.default_ = true;
  return out;
}

Result<TargetAllowlist> TargetAllowlist::parse(const std::vector<std::string>& rules,
                                               const std::string& origin) {
  if (rules.empty()) return loopback_only();
  TargetAllowlist out;
  out.origin_ = origin;
  for (const auto& text : rules) {
    auto rule = parse_rule(text, origin);
    if (!rule) return rule.status();
    const bool seen = std::any_of(out.rules_.begin(), out.rules_.end(),
                                  [&](const Rule& r) { return r.text == rule->text; });
    if (!seen) out.rules_.push_back(std::move(rule.value()));
  }
  return out;
}

bool TargetAllowlist::matches_name(std::string_view host) const {
  const std::string name = lowercase_name(host);
  for (const auto& r : rules_) {
    if (r.kind == Rule::Kind::kName && r.name == name) return true;
    if (r.kind == Rule::Kind::kNameSuffix && name.size() > r.name.size() + 1 &&
        name.compare(name.size() - r.name.size(), r.name.size(), r.name) == 0 &&
        name[name.size() - r.name.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

bool TargetAllowlist::matches_address(std::string_view address) const {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  if (!parse_address(address, v6, bytes)) return false;
  for (const auto& r : rules_) {
    if (r.kind == Rule::Kind::kCidr && r.v6 == v6 && prefix_matches(r.bytes, bytes, r.prefix)) {
      return true;
    }
  }
  return false;
}

Status TargetAllowlist::check(std::string_view host, std::string_view address) const {
  if (matches_name(host) || matches_address(address)) return Status::ok();
  const std::string target = host == address
                                 ? "'" + std::string(address) + "'"
                                 : "'" + std::string(host) + "' (" + std::string(address) + ")";
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  const bool literal = parse_address(address, v6, bytes);
  const std::string hint =
      literal ? address_text(v6, bytes) + (v6 ? "/128" : "/32") : std::string(address);
  return Status::invalid_argument(
      target + " is refused by the target allowlist: no rule matches it (rules: " + describe() +
      "); to allow it, run with --allow-target " + (host == address ? hint : std::string(host)) +
      " or a CIDR that holds it (giving --allow-target replaces the loopback default)");
}

std::vector<std::string> TargetAllowlist::rules() const {
  std::vector<std::string> out;
  for (const auto& r : rules_) out.push_back(r.text);
  return out;
}

std::string TargetAllowlist::describe() const {
  std::string out;
  for (const auto& r : rules_) out += (out.empty() ? "" : ", ") + r.text;
  return out + (default_ ? " (the default: loopback only)" : " (from " + origin_ + ")");
}

}  // namespace chaos
