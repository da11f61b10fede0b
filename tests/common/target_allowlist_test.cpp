// TargetAllowlist: which addresses and names floods, held connections and probes may reach.
// Pure values: no traffic at all, and only loopback addresses, like every test here (narrower
// rules inside 127.0.0.0/8 stand in for a user's staging CIDRs).
#include "common/target_allowlist.h"

#include <gtest/gtest.h>

namespace chaos {
namespace {

TargetAllowlist parsed(const std::vector<std::string>& rules) {
  auto list = TargetAllowlist::parse(rules);
  EXPECT_TRUE(list.is_ok()) << list.status().message();
  return list.is_ok() ? list.value() : TargetAllowlist::loopback_only();
}

TEST(TargetAllowlist, TheDefaultIsLoopbackOnly) {
  const TargetAllowlist list = TargetAllowlist::loopback_only();
  EXPECT_TRUE(list.is_default());
  EXPECT_EQ(list.rules(), (std::vector<std::string>{"127.0.0.0/8", "::1/128"}));
  for (const char* a : {"127.0.0.1", "127.0.0.3", "127.255.255.254", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(list.check(a, a).is_ok()) << a;
  }
  EXPECT_TRUE(list.check("localhost", "127.0.0.1").is_ok());
  EXPECT_EQ(TargetAllowlist::parse({}).value().rules(), list.rules());
}

TEST(TargetAllowlist, ARefusalNamesTheTargetTheRulesAndTheFix) {
  const TargetAllowlist list = parsed({"127.0.0.2/32"});
  EXPECT_TRUE(list.check("127.0.0.2", "127.0.0.2").is_ok());
  const Status refused = list.check("127.0.0.3", "127.0.0.3");
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(refused.message(),
            "'127.0.0.3' is refused by the target allowlist: no rule matches it (rules: "
            "127.0.0.2/32 (from --allow-target)); to allow it, run with --allow-target "
            "127.0.0.3/32 or a CIDR that holds it (giving --allow-target replaces the loopback "
            "default)");
  // Rules replace the default: loopback's other addresses are refused too.
  EXPECT_FALSE(list.check("127.0.0.1", "127.0.0.1").is_ok());
  EXPECT_FALSE(list.check("::1", "::1").is_ok());
}

TEST(TargetAllowlist, CidrsOfBothFamilies) {
  const TargetAllowlist list = parsed({"127.20.0.0/16", "127.0.0.7", "::1"});
  EXPECT_EQ(list.rules(), (std::vector<std::string>{"127.20.0.0/16", "127.0.0.7/32", "::1/128"}));
  for (const char* a : {"127.20.0.1", "127.20.255.255", "127.0.0.7", "::1", "::ffff:127.20.3.4"}) {
    EXPECT_TRUE(list.check(a, a).is_ok()) << a;
  }
  for (const char* a : {"127.21.0.1", "127.19.255.255", "127.0.0.8", "127.0.0.1"}) {
    EXPECT_FALSE(list.check(a, a).is_ok()) << a;
  }
  EXPECT_FALSE(parsed({"127.0.0.0/8"}).check("::1", "::1").is_ok());  // a v4 rule holds no v6
  EXPECT_FALSE(parsed({"::1"}).check("127.0.0.1", "127.0.0.1").is_ok());
}

TEST(TargetAllowlist, NameRulesAllowTheNameNotTheAddress) {
  const TargetAllowlist list = parsed({"localhost", "*.Staging.Internal."});
  EXPECT_EQ(list.rules(), (std::vector<std::string>{"localhost", "*.staging.internal"}));
  EXPECT_TRUE(list.check("localhost", "127.0.0.1").is_ok());
  EXPECT_TRUE(list.check("LOCALHOST.", "::1").is_ok());
  EXPECT_TRUE(list.check("db.staging.internal", "127.1.2.3").is_ok());
  EXPECT_TRUE(list.check("a.b.staging.internal", "127.1.2.3").is_ok());
  EXPECT_FALSE(list.check("staging.internal", "127.1.2.3").is_ok());  // *. is below the name
  EXPECT_FALSE(list.check("evilstaging.internal", "127.1.2.3").is_ok());
  // The address a name rule's name resolves to is not allowed by itself.
  const Status refused = list.check("127.0.0.1", "127.0.0.1");
  EXPECT_FALSE(refused.is_ok());
  EXPECT_NE(refused.message().find("(rules: localhost, *.staging.internal (from --allow-target))"),
            std::string::npos)
      << refused.message();
  EXPECT_NE(parsed({"127.0.0.0/16"})
                .check("db.internal", "127.1.0.1")
                .message()
                .find("'db.internal' (127.1.0.1) is refused"),
            std::string::npos);
}

TEST(TargetAllowlist, BadRulesAreRefusedNamingTheRule) {
  struct Case {
    const char* rule;
    const char* message;
  };
  for (const Case& c : {
           Case{"127.0.0.5/8",
                "--allow-target '127.0.0.5/8': has bits set past its /8 prefix; did "
                "you mean 127.0.0.0/8?"},
           Case{"127.0.0.0/33",
                "--allow-target '127.0.0.0/33': the prefix length must be 0 to 32"},
           Case{"::1/129", "--allow-target '::1/129': the prefix length must be 0 to 128"},
           Case{"127.0.0.0/",
                "--allow-target '127.0.0.0/': the prefix length after '/' must be a "
                "number from 0 to 32"},
           Case{"host/8", "--allow-target 'host/8': not a CIDR"},
           Case{"bad name!", "--allow-target 'bad name!': not an address, a CIDR or a host name"},
           Case{"", "--allow-target: an empty rule"},
       }) {
    auto list = TargetAllowlist::parse({c.rule});
    ASSERT_FALSE(list.is_ok()) << c.rule;
    EXPECT_EQ(list.status().message().rfind(c.message, 0), 0u) << list.status().message();
  }
}

}  // namespace
}  // namespace chaos
