#include "upstream.h"

#include "address.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cctype>
#include <chaos/plugin.hpp>

namespace chaos::network {

namespace asio = boost::asio;

namespace {

// RFC 1123 host names: labels of letters, digits and hyphens, 1..63 each, 253 in all.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  size_t label = 0;
  for (size_t i = 0; i < host.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(host[i]);
    if (c == '.') {
      if (label == 0 || host[i - 1] == '-') return false;
      label = 0;
      continue;
    }
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
    if (label == 0 && c == '-') return false;
    if (++label > 63) return false;
  }
  return host.back() != '-';
}

}  // namespace

std::string Upstream::text() const {
  if (literal) return to_string(*literal);
  return host + ":" + std::to_string(port);
}

Upstream parse_upstream(std::string_view field, std::string_view text) {
  const std::string name(field);
  const std::string quoted = "'" + std::string(text) + "'";
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    throw sdk::InvalidParams(name, quoted + " is not host:port, e.g. \"db.internal:5432\"");
  std::string_view host = text.substr(0, colon);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  boost::system::error_code ec;
  asio::ip::make_address(std::string(bracketed ? host.substr(1, host.size() - 2) : host), ec);
  Upstream upstream;
  if (!ec || bracketed) {
    upstream.literal = parse_endpoint(field, text, false);  // its errors name the field
    upstream.host = upstream.literal->address().to_string();
    upstream.port = upstream.literal->port();
    return upstream;
  }
  unsigned long port = 0;
  for (const char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535)
      throw sdk::InvalidParams(name, quoted + " has a bad port; expected 1..65535");
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if (port == 0 || port > 65535)
    throw sdk::InvalidParams(name, quoted + " has a bad port; expected 1..65535");
  if (!is_host_name(host))
    throw sdk::InvalidParams(name, quoted + " does not start with a host name or an IP address");
  upstream.host.reserve(host.size());
  for (const char c : host)
    upstream.host.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  upstream.port = static_cast<uint16_t>(port);
  return upstream;
}

std::vector<Endpoint> prefer_ipv4(const asio::ip::tcp::resolver::results_type& results) {
  std::vector<Endpoint> out;
  for (const bool v4 : {true, false}) {
    for (const auto& entry : results) {
      const Endpoint e = entry.endpoint();
      if (e.address().is_v4() != v4) continue;
      if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    }
  }
  return out;
}

std::optional<Endpoint> next_address(const std::vector<Endpoint>& answers, const Endpoint& current) {
  if (answers.empty()) return std::nullopt;
  if (std::find(answers.begin(), answers.end(), current) != answers.end()) return std::nullopt;
  return answers.front();
}

Endpoint resolve_now(const Upstream& upstream) {
  if (upstream.literal) return *upstream.literal;
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(upstream.host, std::to_string(upstream.port),
                                        asio::ip::tcp::resolver::numeric_service, ec);
  const std::vector<Endpoint> answers = ec ? std::vector<Endpoint>{} : prefer_ipv4(results);
  if (answers.empty()) {
    throw sdk::Error("cannot resolve upstream " + upstream.text() + ": " +
                     (ec ? ec.message() : std::string("the name has no address")));
  }
  return answers.front();
}

}  // namespace chaos::network
