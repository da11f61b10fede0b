// The target allowlist (--allow-target) through the chaosctl binary, against real nginx on
// loopback addresses only (127.0.0.1, 127.0.0.2, 127.0.0.3, ::1): an allowed target is
// flooded, a refused one is refused before a packet reaches it, naming the rules that refused
// it, and the run stores the allowlist it ran with.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "load/servers.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::load_test {
namespace {

using namespace std::chrono_literals;

class AllowTargetRun : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = missing(Nginx::kBinary, "nginx"); !why.empty()) GTEST_SKIP() << why;
  }

  // chaosctl ARGS on this test's store; returns the exit code, output in `out`.
  int chaosctl(std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), {"--db", dir_.file("chaos.db"), "--no-color"});
    test::ChildProcess process(std::string(CHAOS_BIN_DIR) + "/chaosctl", args,
                               dir_.file("chaosctl.log"));
    const auto code = process.wait_exit(60s);
    *out = test::read_file(dir_.file("chaosctl.log"));
    return code.value_or(-1);
  }

  // An experiment whose only fault is a flood of `requests` requests on `url`.
  std::string flood(const std::string& url, int requests = 20) {
    const std::string path = dir_.file("flood.lua");
    test::write_file(path, R"(experiment {
  title = "flood within the allowlist",
  baseline = { min = "0s" },
  method = { fault "flood" { target = ")" +
                               url + R"(", rate = 100, max_requests = )" +
                               std::to_string(requests) + R"(, duration = "1s" } },
})");
    return path;
  }

  // The allowlist run `id` stored, as show --json gives it.
  boost::json::value allowed_targets(int id) {
    std::string out;
    EXPECT_EQ(chaosctl({"show", std::to_string(id), "--json"}, &out), 0) << out;
    boost::system::error_code ec;
    const boost::json::value shown = boost::json::parse(out, ec);
    if (ec) {
      ADD_FAILURE() << out;
      return nullptr;
    }
    return shown.at("allowed_targets");
  }

  test::TempDir dir_;
};

TEST_F(AllowTargetRun, AnAllowedCidrIsFloodedAndTheRunStoresItsAllowlist) {
  Nginx nginx(1024, true, "127.0.0.2");
  ASSERT_TRUE(nginx.ready()) << nginx.log();
  std::string out;
  EXPECT_EQ(chaosctl({"run", "--allow-target", "127.0.0.2/32", flood(nginx.url(), 20)}, &out), 0)
      << out;
  EXPECT_TRUE(test::wait_for([&] { return nginx.logged() == 20; }, 5s)) << nginx.logged();
  EXPECT_EQ(allowed_targets(1), boost::json::value(boost::json::array{"127.0.0.2/32"}));
}

TEST_F(AllowTargetRun, ARefusedTargetNamesTheRuleAndGetsNoPacket) {
  // A real server on 127.0.0.3, which is loopback, but outside the allowlist given.
  Nginx nginx(1024, true, "127.0.0.3");
  ASSERT_TRUE(nginx.ready()) << nginx.log();
  std::string out;
  EXPECT_EQ(chaosctl({"run", "--allow-target", "127.0.0.2/32", flood(nginx.url())}, &out), 4)
      << out;
  EXPECT_NE(out.find("flood: target: '127.0.0.3' is refused by the target allowlist: no rule "
                     "matches it (rules: 127.0.0.2/32 (from --allow-target))"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("--allow-target 127.0.0.3/32"), std::string::npos) << out;
  EXPECT_EQ(nginx.logged(), 0u);
  EXPECT_EQ(allowed_targets(1), boost::json::value(boost::json::array{"127.0.0.2/32"}));

  // Pool exhaustion keeps to the same allowlist; validate says so without running anything.
  const std::string pool = dir_.file("pool.lua");
  test::write_file(pool, R"(experiment {
  title = "hold its connections",
  method = { fault "pool_exhaustion" { target = "127.0.0.3:)" +
                             std::to_string(nginx.port()) +
                             R"(", connections = 5, duration = "1s" } },
})");
  EXPECT_NE(chaosctl({"validate", "--allow-target", "127.0.0.2/32", pool}, &out), 0) << out;
  EXPECT_NE(out.find("pool_exhaustion: target: '127.0.0.3' is refused by the target allowlist"),
            std::string::npos)
      << out;
}

TEST_F(AllowTargetRun, ANameRuleAllowsTheNameNotTheAddressBehindIt) {
  Nginx nginx;  // 127.0.0.1
  ASSERT_TRUE(nginx.ready()) << nginx.log();
  const std::string port = std::to_string(nginx.port());
  std::string out;
  EXPECT_EQ(
      chaosctl({"run", "--allow-target", "localhost", flood("http://localhost:" + port + "/", 10)},
               &out),
      0)
      << out;
  EXPECT_TRUE(test::wait_for([&] { return nginx.logged() == 10; }, 5s)) << nginx.logged();

  EXPECT_EQ(chaosctl({"run", "--allow-target", "localhost", flood(nginx.url(), 10)}, &out), 4)
      << out;
  EXPECT_NE(out.find("'127.0.0.1' is refused by the target allowlist: no rule matches it "
                     "(rules: localhost (from --allow-target))"),
            std::string::npos)
      << out;
  EXPECT_EQ(nginx.logged(), 10u);  // nothing more came
}

TEST_F(AllowTargetRun, AnIpv6RuleAllowsOnlyIpv6Loopback) {
  Nginx nginx(1024, true, "[::1]");
  ASSERT_TRUE(nginx.ready()) << nginx.log();
  std::string out;
  EXPECT_EQ(chaosctl({"run", "--allow-target", "::1", flood(nginx.url(), 10)}, &out), 0) << out;
  EXPECT_TRUE(test::wait_for([&] { return nginx.logged() == 10; }, 5s)) << nginx.logged();
  EXPECT_EQ(allowed_targets(1), boost::json::value(boost::json::array{"::1/128"}));

  EXPECT_EQ(chaosctl({"run", "--allow-target", "::1",
                      flood("http://127.0.0.1:" + std::to_string(nginx.port()) + "/")},
                     &out),
            4)
      << out;
  EXPECT_NE(out.find("'127.0.0.1' is refused by the target allowlist"), std::string::npos) << out;
}

TEST_F(AllowTargetRun, ABadRuleIsAUsageErrorNamingIt) {
  std::string out;
  EXPECT_EQ(chaosctl({"run", "--allow-target", "127.0.0.5/8", flood("http://127.0.0.1:9/")}, &out),
            64)
      << out;
  EXPECT_NE(out.find("run: --allow-target '127.0.0.5/8': has bits set past its /8 prefix; did "
                     "you mean 127.0.0.0/8?"),
            std::string::npos)
      << out;
  EXPECT_EQ(chaosctl({"run", "--allow-target", "not a host!", flood("http://127.0.0.1:9/")}, &out),
            64)
      << out;
  EXPECT_NE(out.find("--allow-target 'not a host!': not an address, a CIDR or a host name"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace chaos::load_test
