#include "upstream.h"

#include "address.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <cctype>
#include <chaos/plugin.hpp>

namespace chaos::network {

namespace asio = boost::asio;

std::string Upstream::text() const {
  if (literal) return to_string(*literal);
  return host + ":" + std::to_string(port);
}

Upstream parse_upstream(std::string_view field, std::string_view text) {
  // The SDK's grammar: the same the host's "host-port" format checks, so create accepts what
  // `chaosctl validate` did.
  const sdk::HostPort parsed = sdk::parse_host_port(text, false);
  if (!parsed.ok()) throw sdk::InvalidParams(std::string(field), parsed.error);
  Upstream upstream;
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(parsed.host, ec);
  if (!ec) {
    upstream.literal = Endpoint(address, parsed.port);
    upstream.host = address.to_string();
    upstream.port = parsed.port;
    return upstream;
  }
  upstream.host.reserve(parsed.host.size());
  for (const char c : parsed.host)
    upstream.host.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  upstream.port = parsed.port;
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
