#include "listen_address.h"

#include <gtest/gtest.h>

namespace chaos::demo {
namespace {

TEST(ListenAddress, ParsesIpv4AndBracketedIpv6) {
  auto v4 = parse_loopback_address("127.0.0.1:8080");
  ASSERT_TRUE(v4) << v4.status().message();
  EXPECT_EQ(v4->port(), 8080);
  auto v6 = parse_loopback_address("[::1]:0");
  ASSERT_TRUE(v6) << v6.status().message();
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_TRUE(parse_loopback_address("127.9.9.9:1"));  // all of 127.0.0.0/8 is loopback
}

TEST(ListenAddress, RefusesNonLoopbackWithAClearMessage) {
  for (const char* text : {"0.0.0.0:80", "10.0.0.1:5432", "[::]:80", "192.168.1.1:1"}) {
    auto parsed = parse_loopback_address(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_NE(parsed.status().message().find("loopback"), std::string::npos);
  }
}

TEST(ListenAddress, RejectsMalformedInputAndHostNames) {
  for (const char* text :
       {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x", "localhost:80", ":80"}) {
    EXPECT_FALSE(parse_host_port(text)) << text;
  }
}

}  // namespace
}  // namespace chaos::demo
