// Through the chaosctl binary, as a user runs it: a flood on a latency proxy in front of real
// nginx, and a pool_exhaustion on real PostgreSQL. Each fault's final status (taken after its
// stop, before destroy) is stored and shown by `chaosctl show` and `show --json`, and the
// flood's per-second samples end with the last partial second.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

#include "load/servers.h"
#include "store/store.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::load_test {
namespace {

using namespace std::chrono_literals;

class FinalStatusRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!missing(Nginx::kBinary, "nginx").empty() || !missing_postgres().empty()) return;
    nginx_ = new Nginx();
    postgres_ = new Postgres(/*max_connections=*/20);
  }
  static void TearDownTestSuite() {
    delete nginx_;
    delete postgres_;
    nginx_ = nullptr;
    postgres_ = nullptr;
  }
  void SetUp() override {
    if (const std::string why = missing(Nginx::kBinary, "nginx") + missing_postgres(); !why.empty())
      GTEST_SKIP() << why;
    ASSERT_TRUE(nginx_->ready()) << nginx_->log();
    ASSERT_TRUE(postgres_->ready()) << postgres_->log();
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

  static Nginx* nginx_;
  static Postgres* postgres_;
  test::TempDir dir_;
};

Nginx* FinalStatusRun::nginx_ = nullptr;
Postgres* FinalStatusRun::postgres_ = nullptr;

TEST_F(FinalStatusRun, ShowHasEachFaultsFinalStatusAndTheFloodsLastPartialSecond) {
  const std::string proxy = "127.0.0.1:" + std::to_string(test::unused_loopback_port());
  const std::string experiment = dir_.file("final.lua");
  test::write_file(experiment, R"(experiment {
  title = "final statuses",
  method = {
    fault "latency" { name = "web", listen = ")" +
                                   proxy + R"(",
                      upstream = "127.0.0.1:)" +
                                   std::to_string(nginx_->port()) + R"(",
                      delay = "2ms", duration = "3s" },
    fault "flood" { name = "load", target = "http://)" +
                                   proxy + R"(/", rate = 200,
                    duration = "2500ms" },
    fault "pool_exhaustion" { name = "pool", target = ")" +
                                   postgres_->target() + R"(",
                              mode = "postgres", connections = 5, duration = "2500ms" },
  },
})");
  std::string out;
  ASSERT_EQ(chaosctl({"run", experiment}, &out), 0) << out;

  ASSERT_EQ(chaosctl({"show", "1", "--json"}, &out), 0) << out;
  boost::system::error_code ec;
  const boost::json::value shown = boost::json::parse(out, ec);
  ASSERT_FALSE(ec) << out;
  std::map<std::string, boost::json::object> final_of;
  for (const auto& f : shown.at("faults").as_array()) {
    final_of[std::string(f.at("name").as_string())] = f.at("final_status").as_object();
    EXPECT_FALSE(f.at("figures").as_array().empty()) << f;
  }
  ASSERT_EQ(final_of.size(), 3u) << out;

  // The flood: whole-run percentiles from its histogram, every response counted once.
  const auto& flood = final_of["load"];
  const auto& latency = flood.at("latency").as_object();
  const int64_t ok = flood.at("ok").to_number<int64_t>();
  EXPECT_FALSE(flood.at("running").as_bool());
  EXPECT_NEAR(static_cast<double>(flood.at("sent").to_number<int64_t>()), 500, 25) << flood;
  EXPECT_EQ(flood.at("errors").to_number<int64_t>(), 0) << flood;
  EXPECT_EQ(latency.at("count").to_number<int64_t>(), ok) << flood;
  double previous = 2.0;  // every response waited at least the proxy's 2 ms
  for (const char* p : {"p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms"}) {
    const double ms = latency.at(p).to_number<double>();
    EXPECT_GE(ms, previous) << p << " in " << flood;
    previous = ms;
  }
  EXPECT_GE(flood.at("sends_per_ms_p99").to_number<int64_t>(), 1) << flood;

  // The proxy carried the flood.
  const auto& web = final_of["web"];
  EXPECT_GE(web.at("connections_opened").to_number<int64_t>(), 1) << web;
  EXPECT_GT(web.at("bytes_to_upstream").to_number<int64_t>(), ok * 16) << web;
  EXPECT_GT(web.at("bytes_from_upstream").to_number<int64_t>(), ok * 100) << web;
  EXPECT_GT(web.at("release_late_samples").to_number<int64_t>(), 0) << web;

  // The pool held what it was asked for.
  const auto& pool = final_of["pool"];
  EXPECT_EQ(pool.at("requested").to_number<int64_t>(), 5) << pool;
  EXPECT_EQ(pool.at("held_peak").to_number<int64_t>(), 5) << pool;
  EXPECT_GE(pool.at("full_after_ms").to_number<int64_t>(), 0) << pool;
  EXPECT_EQ(pool.at("refused").to_number<int64_t>(), 0) << pool;

  // Stored: statuses polled while the faults ran, and the flood's samples run to its stop
  // (2.5 s: samples at 1 s, 2 s and the last half second), the last one matching the final.
  auto store = store::Store::open(dir_.file("chaos.db"));
  ASSERT_TRUE(store.is_ok()) << store.status().message();
  auto statuses = (*store)->fault_statuses(1, /*final_only=*/false);
  ASSERT_TRUE(statuses.is_ok());
  std::map<std::string, int> polled;
  for (const auto& s : *statuses) polled[s.name] += s.final ? 0 : 1;
  for (const char* name : {"web", "load", "pool"}) EXPECT_GE(polled[name], 2) << name;
  auto samples = (*store)->samples(1);
  ASSERT_TRUE(samples.is_ok());
  std::vector<double> sent;
  for (const auto& s : *samples) {
    if (s.series == "load.sent") sent.push_back(s.value);
  }
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent.back(), static_cast<double>(flood.at("sent").to_number<int64_t>()));
  EXPECT_GT(sent.back(), sent[1]);

  // The text has the same figures.
  ASSERT_EQ(chaosctl({"show", "1"}, &out), 0) << out;
  EXPECT_NE(out.find("faults (final status):"), std::string::npos) << out;
  EXPECT_NE(out.find("  load (flood, fault 2)"), std::string::npos) << out;
  EXPECT_NE(out.find("responses, whole run)"), std::string::npos) << out;
  EXPECT_NE(out.find("p99.9 "), std::string::npos) << out;
  EXPECT_NE(out.find("requested 5, peak 5, all held after"), std::string::npos) << out;
  EXPECT_NE(out.find(" to upstream, "), std::string::npos) << out;
}

}  // namespace
}  // namespace chaos::load_test
