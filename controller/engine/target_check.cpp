#include "engine/target_check.h"

#include <arpa/inet.h>
#include <netdb.h>

#include <algorithm>
#include <boost/json.hpp>
#include <vector>

namespace chaos::engine {

namespace {

bool is_literal(const std::string& host) {
  in6_addr any{};
  return inet_pton(AF_INET, host.c_str(), &any) == 1 ||
         inet_pton(AF_INET6, host.c_str(), &any) == 1;
}

Result<std::vector<std::string>> resolve(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found); rc != 0) {
    return Status::invalid_argument("'" + name + "' does not resolve: " + gai_strerror(rc));
  }
  std::vector<std::string> out;
  for (addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* bytes = nullptr;
    if (a->ai_family == AF_INET) bytes = &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr;
    if (a->ai_family == AF_INET6) bytes = &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr;
    if (bytes && inet_ntop(a->ai_family, bytes, text, sizeof text) &&
        std::find(out.begin(), out.end(), text) == out.end()) {
      out.emplace_back(text);
    }
  }
  freeaddrinfo(found);
  if (out.empty()) return Status::invalid_argument("'" + name + "' resolves to no address");
  return out;
}

}  // namespace

std::string target_host_of(std::string_view text) {
  if (const size_t scheme = text.find("://"); scheme != std::string_view::npos) {
    text.remove_prefix(scheme + 3);
  }
  text = text.substr(0, text.find_first_of("/?#"));
  if (const size_t at = text.rfind('@'); at != std::string_view::npos) text.remove_prefix(at + 1);
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    return close == std::string_view::npos ? "" : std::string(text.substr(1, close - 1));
  }
  return std::string(text.substr(0, text.rfind(':')));
}

Status check_target_text(const TargetAllowlist& allowlist, std::string_view text,
                         bool every_address, const std::string& what) {
  const std::string host = target_host_of(text);
  if (host.empty()) return Status::ok();  // malformed: the kind's own checks say so
  // As the load plugin does: localhost is 127.0.0.1, without a lookup.
  const std::string literal = host == "localhost" ? "127.0.0.1" : host;
  std::vector<std::string> addresses{literal};
  if (!is_literal(literal)) {
    // A name rule allows the name whatever it resolves to, without a lookup.
    if (allowlist.check(host, "").is_ok()) return Status::ok();
    auto resolved = resolve(host);
    if (!resolved) return resolved.status().with_context(what);
    addresses = std::move(resolved.value());
  }
  Status first_refusal;
  for (const auto& address : addresses) {
    Status st = allowlist.check(host, address);
    if (st && !every_address) return st;
    if (!st && first_refusal) first_refusal = st;
  }
  return first_refusal.with_context(what);
}

Status check_probe_target(const ProbeSpec& probe, const TargetAllowlist& allowlist) {
  const auto* url = probe.config.if_contains("url");
  if (!url || !url->is_string()) return Status::ok();
  return check_target_text(allowlist, url->as_string(), /*every_address=*/true,
                           probe.where + ": " + probe.kind + " \"" + probe.name + "\": url");
}

Status check_fault_targets(const plugin_host::FaultKind& kind, const boost::json::value& params,
                           const TargetAllowlist& allowlist) {
  const auto& schema = kind.params_schema.json();
  const auto* props = schema.is_object() ? schema.as_object().if_contains("properties") : nullptr;
  if (!props || !props->is_object() || !params.is_object()) return Status::ok();
  for (const auto& [key, prop] : props->as_object()) {
    const auto* marked =
        prop.is_object() ? prop.as_object().if_contains("x-chaos-target") : nullptr;
    if (!marked || !marked->is_bool() || !marked->as_bool()) continue;
    const auto* value = params.as_object().if_contains(key);
    if (!value || !value->is_string()) continue;
    if (Status st = check_target_text(allowlist, value->as_string(), /*every_address=*/false,
                                      kind.name + ": " + std::string(key));
        !st) {
      return st;
    }
  }
  return Status::ok();
}

}  // namespace chaos::engine
