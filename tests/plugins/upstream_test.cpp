// Upstream addresses: host names and IP literals parsed with the field named, the IPv4-first
// order of answers, and which address new connections use after a fresh look-up.

#include <gtest/gtest.h>

#include <chaos/plugin.hpp>

#include "upstream.h"

namespace chaos::network {
namespace {

namespace ip = boost::asio::ip;

Endpoint at(const char* address, uint16_t port) { return Endpoint(ip::make_address(address), port); }

std::string error_of(const char* text) {
  try {
    parse_upstream("upstream", text);
  } catch (const sdk::InvalidParams& e) {
    return e.what();
  }
  return "";
}

TEST(UpstreamTest, HostNamesAreKeptAsNamesAndLiteralsAsAddresses) {
  const Upstream name = parse_upstream("upstream", "DB.Internal:5432");
  EXPECT_TRUE(name.is_name());
  EXPECT_EQ(name.text(), "db.internal:5432");
  EXPECT_EQ(parse_upstream("upstream", "localhost:1").text(), "localhost:1");
  const Upstream v4 = parse_upstream("upstream", "127.0.0.1:5432");
  EXPECT_FALSE(v4.is_name());
  EXPECT_EQ(*v4.literal, at("127.0.0.1", 5432));
  EXPECT_EQ(parse_upstream("upstream", "[::1]:5432").text(), "[::1]:5432");
  EXPECT_EQ(parse_upstream("upstream", "db:1"), parse_upstream("upstream", "DB:1"));
}

TEST(UpstreamTest, BadUpstreamsNameTheField) {
  for (const char* bad : {"db.internal", "db.internal:", ":5432", "db.internal:0", "db.internal:70000",
                          "db..internal:1", "-db:1", "db internal:1", "[nope]:1"}) {
    const std::string error = error_of(bad);
    EXPECT_NE(error.find("upstream"), std::string::npos) << bad << ": " << error;
  }
}

TEST(UpstreamTest, NewConnectionsMoveOnlyWhenTheAnswerNoLongerHoldsTheAddressInForce) {
  const Endpoint a = at("127.0.0.21", 5432), b = at("127.0.0.22", 5432);
  EXPECT_EQ(next_address({a, b}, a), std::nullopt);
  EXPECT_EQ(next_address({b, a}, a), std::nullopt);  // the same answer in another order
  EXPECT_EQ(next_address({b}, a), b);                // moved
  EXPECT_EQ(next_address({}, a), std::nullopt);      // a failed look-up keeps the last good one
}

// Only "localhost" (from /etc/hosts): a test never sends a DNS query off the machine.
TEST(UpstreamTest, LocalhostResolvesToAnIpv4AddressFirst) {
  EXPECT_EQ(resolve_now(parse_upstream("upstream", "localhost:5432")), at("127.0.0.1", 5432));
}

}  // namespace
}  // namespace chaos::network
