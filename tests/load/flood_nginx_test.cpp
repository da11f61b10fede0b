// The flood against a real nginx on 127.0.0.1: exact counts, open-model pacing, coordinated
// omission, stop and release, and the allowlist at create and in chaosctl's validation.
#include <signal.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "load/load_fixture.h"
#include "load/servers.h"

using namespace chaos;
using namespace chaos::load_test;
using namespace std::chrono_literals;

namespace {

class FloodNginx : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
    // The host is shared by every test in the process: start from no events, metrics or
    // problems, so a wait_for_event cannot be satisfied by an earlier test (or --gtest_repeat).
    plugin().clear();
    const std::string why = missing(Nginx::kBinary, "nginx");
    ASSERT_TRUE(why.empty()) << why;
    nginx_ = std::make_unique<Nginx>();
    ASSERT_TRUE(nginx_->ready()) << nginx_->log();
  }
  std::unique_ptr<Nginx> nginx_;
};

bool finished(sdk::FakeFault& f) {
  return f.status().output.find("\"finished\":true") != std::string::npos;
}

}  // namespace

TEST_F(FloodNginx, OpenModelCountMatchesNginxAccessLogExactly) {
  auto fault = plugin().create(
      "flood", R"({"target":")" + nginx_->url() + R"(","rate":1000,"max_requests":3000,"threads":2})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(test::wait_for([&] { return finished(fault); }, 20s)) << fault.status().output;
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_EQ(status_number(fault, "ok"), 3000);
  EXPECT_EQ(status_number(fault, "sent"), 3000);
  EXPECT_EQ(status_number(fault, "errors"), 0);
  EXPECT_EQ(status_number(fault, "in_flight"), 0);
  expect_totals_reconcile(fault);
  EXPECT_TRUE(test::wait_for([&] { return nginx_->logged() == 3000; }, 5s)) << nginx_->logged();
}

TEST_F(FloodNginx, ClosedModelCountMatchesNginxAccessLogExactly) {
  auto fault = plugin().create("flood", R"({"target":")" + nginx_->url() +
                                            R"(","model":"closed","connections":8,"max_requests":5000})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(test::wait_for([&] { return finished(fault); }, 30s)) << fault.status().output;
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_EQ(status_number(fault, "ok"), 5000);
  EXPECT_EQ(status_number(fault, "in_flight"), 0);
  expect_totals_reconcile(fault);
  EXPECT_TRUE(test::wait_for([&] { return nginx_->logged() == 5000; }, 5s)) << nginx_->logged();
}

TEST_F(FloodNginx, OpenModelHoldsItsRateWithinTwoPercentOverFiveSeconds) {
  auto fault = plugin().create("flood", R"({"target":")" + nginx_->url() +
                                            R"(","rate":800,"max_duration":"5s"})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(plugin().wait_for_event("flood_max_duration", 15s));
  ASSERT_TRUE(fault.stop().ok());
  const double sent = status_number(fault, "sent");
  EXPECT_NEAR(sent, 4000, 80) << fault.status().output;
  EXPECT_EQ(status_number(fault, "dropped"), 0);
  // Totals reconcile; nginx saw every completed request.
  expect_totals_reconcile(fault);
  EXPECT_TRUE(test::wait_for([&] { return nginx_->logged() >= status_number(fault, "ok"); }, 5s));
  EXPECT_TRUE(plugin().wait_for_metric("achieved_rps", 0ms));
  EXPECT_TRUE(plugin().wait_for_metric("p99_ms", 0ms));
}

TEST_F(FloodNginx, AStalledTargetShowsInThePercentiles) {
  // 1 s of SIGSTOP in a 4 s run at 200 req/s: ~25 % of requests wait up to a second. A tool
  // that measured from the actual send would see ~1 ms everywhere but one request.
  auto fault = plugin().create("flood", R"({"target":")" + nginx_->url() +
                                            R"(","rate":200,"connections":500})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  const pid_t worker = nginx_->worker();
  ASSERT_GT(worker, 0);
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "ok") >= 200; }, 10s));
  kill(worker, SIGSTOP);
  std::this_thread::sleep_for(1s);  // the stall itself, not a wait for a condition
  kill(worker, SIGCONT);
  const double ok_at_resume = status_number(fault, "ok");
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "ok") >= ok_at_resume + 400; }, 10s));
  ASSERT_TRUE(fault.stop().ok());
  const double p99 = status_number(fault, "latency.p99_ms");
  const double p50 = status_number(fault, "latency.p50_ms");
  EXPECT_GE(p99, 700) << fault.status().output;
  EXPECT_LE(p99, 1500) << fault.status().output;
  EXPECT_LT(p50, 100) << fault.status().output;
  EXPECT_EQ(status_number(fault, "dropped"), 0);
}

TEST_F(FloodNginx, StopIsPromptAndReleasesEverySocket) {
  const int before = open_fds();
  auto fault = plugin().create("flood", R"({"target":")" + nginx_->url() +
                                            R"(","model":"closed","connections":64,"threads":2})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "ok") >= 1000; }, 10s));
  EXPECT_TRUE(fault.update(R"({"target":")" + nginx_->url() + R"(","model":"closed","rate":5})").ok());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(fault.stop().ok());
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 1s);  // the goal is 100 ms; the bound is generous for a shared machine
  EXPECT_EQ(open_fds(), before);
  expect_totals_reconcile(fault);
  fault.destroy();
  EXPECT_TRUE(plugin().records().problems.empty());
}

TEST_F(FloodNginx, StatusReportsSendsPerMillisecondForUniformAndPoissonArrivals) {
  // 5k/s for 2 s each. Ideal: uniform 5 sends in every millisecond; Poisson p99 11. The
  // bounds leave room for a shared, busy machine, whose scheduler delays make bursts.
  double p99[2], max[2];
  const char* kinds[2] = {"uniform", "poisson"};
  for (int i = 0; i < 2; ++i) {
    plugin().clear();
    auto fault = plugin().create("flood", R"({"target":")" + nginx_->url() +
                                              R"(","rate":5000,"max_duration":"2s","arrivals":")" +
                                              kinds[i] + R"(","seed":7})");
    ASSERT_TRUE(fault.ok()) << fault.created();
    ASSERT_TRUE(fault.start().ok());
    ASSERT_TRUE(plugin().wait_for_event("flood_max_duration", 15s));
    ASSERT_TRUE(fault.stop().ok());
    const std::string status = fault.status().output;
    EXPECT_NE(status.find(std::string("\"arrivals\":\"") + kinds[i] + "\""), std::string::npos)
        << status;
    EXPECT_EQ(status_number(fault, "seed"), 7) << status;
    p99[i] = status_number(fault, "sends_per_ms_p99");
    max[i] = status_number(fault, "sends_per_ms_max");
    const double sent = status_number(fault, "sent");
    // The run's milliseconds: from start to the stop, which came ~2 s (up to ~3 s) later.
    EXPECT_GE(status_number(fault, "sends_per_ms_over_ms"), 1900) << status;
    EXPECT_LE(status_number(fault, "sends_per_ms_over_ms"), 4000) << status;
    EXPECT_GE(p99[i], 5) << status;  // at least the mean in 1 % of milliseconds
    // A sanity bound, not a quality bar: a worker descheduled for 50 ms by a parallel build
    // sends 250 at once when it runs again, and that would have to happen every 5 s to reach it.
    EXPECT_LE(p99[i], 250) << status;
    EXPECT_GE(max[i], p99[i]) << status;
    EXPECT_LE(max[i], sent) << status;
    EXPECT_TRUE(plugin().wait_for_metric("sends_per_ms_p99", 0ms));
    expect_totals_reconcile(fault);
  }
  EXPECT_GE(p99[1], 9) << "poisson at 5k/s should reach ~11 sends in its busiest 1 % of ms";
}

TEST_F(FloodNginx, ClosedModelConnectionsFollowUpdateAndTotalsReconcile) {
  const std::string base = R"({"target":")" + nginx_->url() + R"(","model":"closed","threads":2,)";
  auto fault = plugin().create("flood", base + R"("connections":8})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  auto open_is = [&](double n) {
    return test::wait_for([&] { return status_number(fault, "open_connections") == n; }, 10s);
  };
  ASSERT_TRUE(open_is(8)) << fault.status().output;
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "ok") >= 500; }, 10s));
  // Grow: the workers open the new connections and keep them all busy.
  ASSERT_TRUE(fault.update(base + R"("connections":32})").ok());
  ASSERT_TRUE(open_is(32)) << fault.status().output;
  EXPECT_EQ(status_number(fault, "connections"), 32);
  double ok = status_number(fault, "ok");
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "ok") >= ok + 500; }, 10s));
  EXPECT_GT(status_number(fault, "in_flight"), 8) << fault.status().output;
  // Shrink: connections retire after their response is counted, none mid-request.
  ASSERT_TRUE(fault.update(base + R"("connections":3})").ok());
  ASSERT_TRUE(open_is(3)) << fault.status().output;
  ok = status_number(fault, "ok");
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "ok") >= ok + 500; }, 10s));
  EXPECT_EQ(status_number(fault, "open_connections"), 3);
  EXPECT_LE(status_number(fault, "in_flight"), 3) << fault.status().output;
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_EQ(status_number(fault, "errors"), 0) << fault.status().output;
  EXPECT_EQ(status_number(fault, "connects"), 32) << "a shrink must not reconnect";
  expect_totals_reconcile(fault);
  // nginx logged every answered request, and at most those plus the ones in flight at stop.
  const double answered = status_number(fault, "ok");
  EXPECT_TRUE(test::wait_for([&] { return nginx_->logged() >= answered; }, 5s));
  EXPECT_LE(nginx_->logged(), status_number(fault, "sent"));
}

// Open model, raised live: the status names the rate asked for now beside the rate achieved
// in the last second, so a sweep can tell a flood that kept up from one that could not.
TEST_F(FloodNginx, OpenModelRateFollowsUpdateAndStatusGivesRequestedAndAchieved) {
  const std::string base = R"({"target":")" + nginx_->url() + R"(",)";
  auto fault = plugin().create("flood", base + R"("rate":200})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  auto achieved_near = [&](double rate) {
    return test::wait_for(
        [&] { return std::abs(status_number(fault, "achieved_rps") - rate) < rate * 0.1; }, 10s);
  };
  EXPECT_EQ(status_number(fault, "rate_requested"), 200) << fault.status().output;
  ASSERT_TRUE(achieved_near(200)) << fault.status().output;
  ASSERT_TRUE(fault.update(base + R"("rate":600})").ok());
  EXPECT_EQ(status_number(fault, "rate_requested"), 600) << fault.status().output;
  ASSERT_TRUE(achieved_near(600)) << fault.status().output;
  // The model cannot change under a running flood, and the refusal names the field.
  auto refused = fault.update(base + R"("model":"closed","connections":4})");
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message.find("target and model cannot change"), std::string::npos)
      << refused.describe();
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_EQ(status_number(fault, "dropped"), 0) << fault.status().output;
  expect_totals_reconcile(fault);
}

TEST_F(FloodNginx, ConnectRefusedIsCountedAsSuch) {
  const unsigned short dead = test::unused_loopback_port();
  auto fault = plugin().create("flood", "{\"target\":\"http://127.0.0.1:" + std::to_string(dead) +
                                            "/\",\"rate\":100,\"max_requests\":50}");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(test::wait_for([&] { return finished(fault); }, 10s)) << fault.status().output;
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_EQ(status_number(fault, "errors_by_kind.connect_refused"), 50);
}

TEST(FloodSafety, NonLoopbackTargetIsRefusedAtCreateNamingTheField) {
  ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
  for (const char* t : {"http://203.0.113.2:80/", "http://example.com/", "https://127.0.0.1/"}) {
    auto fault = plugin().create("flood", std::string(R"({"target":")") + t + "\"}");
    EXPECT_FALSE(fault.ok()) << t;
    EXPECT_EQ(fault.created().status, CHAOS_ERR_INVALID_PARAMS) << t;
    EXPECT_EQ(fault.created().message.rfind("target:", 0), 0u) << fault.created().message;
  }
  auto pool = plugin().create("pool_exhaustion", R"({"target":"203.0.113.1:5432"})");
  EXPECT_EQ(pool.created().status, CHAOS_ERR_INVALID_PARAMS);
}

TEST(FloodSafety, UnknownArrivalsAreRefusedAtCreateNamingTheField) {
  ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
  auto fault = plugin().create(
      "flood", R"({"target":"http://127.0.0.1:9/","arrivals":"bursty","seed":3})");
  EXPECT_EQ(fault.created().status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(fault.created().message.rfind("arrivals:", 0), 0u) << fault.created().message;
}

TEST(FloodSafety, ChaosctlValidateRefusesANonLoopbackTarget) {
  const std::string chaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";
  if (access(chaosctl.c_str(), X_OK) != 0) GTEST_SKIP() << "build chaosctl to run this test";
  test::TempDir dir;
  test::write_file(dir.file("bad.lua"), R"(experiment {
  title = "flood the internet",
  method = { fault "flood" { target = "http://203.0.113.2:80/", rate = 10, duration = "1s" } },
})");
  int status = 0;
  const std::string out = run(chaosctl + " validate " + dir.file("bad.lua"), &status);
  EXPECT_NE(status, 0) << out;
  EXPECT_NE(out.find("target"), std::string::npos) << out;
}
