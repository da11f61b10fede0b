// The demo system end to end: real chaos-demo-db and chaos-demo-shop processes on loopback,
// ports chosen by the OS and read from port files, every wait bounded by a deadline.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <regex>
#include <thread>

#include "support/child_process.h"
#include "exposition.h"
#include "http_client.h"

namespace chaos::demo::testing {
using namespace chaos::test;
namespace {

using namespace std::chrono_literals;

const CurlGlobal curl_global;

// Polls `condition` every 10 ms until it holds or `timeout` passes.
bool wait_until(std::chrono::milliseconds timeout, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }

  void TearDown() override {
    while (!processes_.empty()) processes_.pop_back();  // stop: newest (the shop) first
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Starts a process writing its port to a port file; returns the port, or 0 after recording
  // a failure that includes the process's log.
  unsigned short start(const std::string& name, const std::string& binary,
                       std::vector<std::string> args) {
    const std::string port_file = dir_ + "/" + name + ".port";
    args.insert(args.end(), {"--port-file", port_file});
    processes_.push_back(std::make_unique<ChildProcess>(binary, args, dir_ + "/" + name + ".log"));
    ChildProcess& process = *processes_.back();
    auto port = wait_for_port_file(port_file, process, 10s);
    if (!port) {
      ADD_FAILURE() << name << " did not report a port within 10 s; log:\n" << process.log();
      return 0;
    }
    return *port;
  }

  unsigned short start_db(std::vector<std::string> args = {}) {
    if (std::find(args.begin(), args.end(), "--listen") == args.end()) {
      args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    }
    return start("db", CHAOS_DEMO_DB_BIN, std::move(args));
  }

  unsigned short start_shop(unsigned short db_port, std::vector<std::string> args = {}) {
    args.insert(args.end(),
                {"--listen", "127.0.0.1:0", "--db", "127.0.0.1:" + std::to_string(db_port)});
    shop_port_ = start("shop", CHAOS_DEMO_SHOP_BIN, std::move(args));
    return shop_port_;
  }

  HttpResult get(const std::string& path, std::chrono::milliseconds timeout = 10s) {
    return http_get("http://127.0.0.1:" + std::to_string(shop_port_) + path, timeout);
  }

  double metric(const std::string& series) {
    auto value = sample_value(get("/metrics").body, series);
    return value.value_or(-1);
  }

  std::string dir_;
  unsigned short shop_port_ = 0;
  std::vector<std::unique_ptr<ChildProcess>> processes_;
};

TEST_F(DemoTest, CheckoutReturnsAnOrderWhenTheDbIsUp) {
  const auto db = start_db();
  ASSERT_NE(db, 0);
  ASSERT_NE(start_shop(db), 0);

  const auto health = get("/health");
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_EQ(health.body, "ok\n");

  const auto checkout = get("/checkout");
  EXPECT_EQ(checkout.status, 200) << checkout.error << checkout.body;
  EXPECT_TRUE(std::regex_match(checkout.body, std::regex(R"(\{"order":"ord-\d+","total":\d+\}\n)")))
      << checkout.body;

  EXPECT_EQ(get("/nope").status, 404);
}

TEST_F(DemoTest, MetricsAreValidExpositionTextAndCountRequests) {
  const auto db = start_db();
  ASSERT_NE(db, 0);
  ASSERT_NE(start_shop(db, {"--pool-size", "3"}), 0);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(get("/checkout").status, 200);
  ASSERT_EQ(get("/health").status, 200);

  const auto metrics = get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(exposition_problems(metrics.body), std::vector<std::string>{}) << metrics.body;
  for (const char* family :
       {"shop_http_requests_total counter", "shop_checkout_duration_seconds histogram",
        "shop_db_pool_size gauge", "shop_db_pool_in_use gauge", "shop_db_pool_waiting gauge",
        "shop_db_pool_timeouts_total counter", "shop_db_errors_total counter",
        "shop_db_queries_total counter"}) {
    EXPECT_NE(metrics.body.find(std::string("# TYPE ") + family + "\n"), std::string::npos)
        << family;
  }
  const auto& text = metrics.body;
  EXPECT_EQ(sample_value(text, R"(shop_http_requests_total{path="/checkout",code="200"})"), 3);
  EXPECT_EQ(sample_value(text, R"(shop_http_requests_total{path="/health",code="200"})"), 1);
  EXPECT_EQ(sample_value(text, "shop_checkout_duration_seconds_count"), 3);
  EXPECT_EQ(sample_value(text, R"(shop_checkout_duration_seconds_bucket{le="0.005"})").has_value(),
            true);
  EXPECT_EQ(sample_value(text, R"(shop_checkout_duration_seconds_bucket{le="+Inf"})"), 3);
  EXPECT_EQ(sample_value(text, "shop_db_queries_total"), 6);  // two per checkout
  EXPECT_EQ(sample_value(text, "shop_db_errors_total"), 0);
  EXPECT_EQ(sample_value(text, "shop_db_pool_size"), 3);
  EXPECT_EQ(sample_value(text, "shop_db_pool_in_use"), 0);
}

// The failure this demo exists to show: a slow dependency holds every pooled connection,
// requests queue for the pool, and those that wait longer than --pool-wait fail.
TEST_F(DemoTest, SlowDbFillsThePoolAndCheckoutsFailWith503) {
  const auto db = start_db({"--work", "300ms"});
  ASSERT_NE(db, 0);
  ASSERT_NE(start_shop(db, {"--pool-size", "4", "--pool-wait", "100ms", "--db-timeout", "2s"}), 0);

  constexpr int kRequests = 20;
  std::vector<HttpResult> results(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] { results[i] = get("/checkout", 20s); });
  }
  // While the burst is in flight, the pool gauge shows every connection borrowed.
  const bool saw_full_pool = wait_until(5s, [&] { return metric("shop_db_pool_in_use") == 4; });
  for (auto& client : clients) client.join();

  int ok = 0, exhausted = 0;
  for (const auto& r : results) {
    if (r.status == 200)
      ++ok;
    else if (r.status == 503 && r.body == "db pool exhausted\n")
      ++exhausted;
    else
      ADD_FAILURE() << "unexpected response " << r.status << " " << r.body << r.error;
  }
  EXPECT_TRUE(saw_full_pool);
  EXPECT_GT(ok, 0);
  EXPECT_GT(exhausted, 0);

  const auto text = get("/metrics").body;
  EXPECT_EQ(sample_value(text, "shop_db_pool_timeouts_total"), exhausted);
  EXPECT_EQ(sample_value(text, R"(shop_http_requests_total{path="/checkout",code="503"})"),
            exhausted);
  // Latency climbed: a successful checkout now takes two 300 ms queries.
  const auto under_half_second =
      sample_value(text, R"(shop_checkout_duration_seconds_bucket{le="0.5"})");
  EXPECT_EQ(under_half_second, exhausted);  // only the 503s were fast
  EXPECT_EQ(metric("shop_db_pool_in_use"), 0);
  EXPECT_EQ(metric("shop_db_pool_waiting"), 0);
}

TEST_F(DemoTest, CheckoutFailsWith502WhileTheDbIsDownAndRecoversWhenItComesBack) {
  const unsigned short db_port = unused_loopback_port();
  ASSERT_NE(db_port, 0);
  ASSERT_NE(start_shop(db_port), 0);  // starts fine: pool connections are lazy

  EXPECT_EQ(get("/health").status, 200);
  const auto down = get("/checkout");
  EXPECT_EQ(down.status, 502) << down.body << down.error;
  EXPECT_EQ(down.body.rfind("db error: ", 0), 0u) << down.body;
  EXPECT_GE(metric("shop_db_errors_total"), 1);

  ASSERT_NE(start_db({"--listen", "127.0.0.1:" + std::to_string(db_port)}), 0);
  EXPECT_TRUE(wait_until(10s, [&] { return get("/checkout").status == 200; }));
  EXPECT_EQ(get("/checkout").status, 200);
}

TEST_F(DemoTest, KeepAliveServesManyRequestsOnOneConnection) {
  const auto db = start_db();
  ASSERT_NE(db, 0);
  ASSERT_NE(start_shop(db), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(shop_port_);
  EXPECT_EQ(connections_for_sequential_gets(base + "/checkout", 5), 1);
}

TEST_F(DemoTest, DbSlowerThanTheQueryTimeoutGives504AndCountsAnError) {
  const auto db = start_db({"--work", "300ms"});
  ASSERT_NE(db, 0);
  ASSERT_NE(start_shop(db, {"--db-timeout", "50ms"}), 0);
  const auto r = get("/checkout");
  EXPECT_EQ(r.status, 504) << r.body << r.error;
  EXPECT_EQ(r.body, "db timeout\n");
  EXPECT_EQ(metric("shop_db_errors_total"), 1);
  EXPECT_EQ(metric("shop_db_pool_in_use"), 0);  // the connection went back (closed) to the pool
}

TEST_F(DemoTest, ServicesRefuseNonLoopbackAddresses) {
  struct Case {
    const char* binary;
    std::vector<std::string> args;
  };
  const std::vector<Case> cases = {
      {CHAOS_DEMO_DB_BIN, {"--listen", "0.0.0.0:0"}},
      {CHAOS_DEMO_SHOP_BIN, {"--listen", "0.0.0.0:0"}},
      {CHAOS_DEMO_SHOP_BIN, {"--listen", "127.0.0.1:0", "--db", "10.1.2.3:5432"}},
  };
  for (const auto& c : cases) {
    ChildProcess process(c.binary, c.args, dir_ + "/refuse.log");
    EXPECT_EQ(process.wait_exit(10s), 2) << c.binary << " " << c.args[1];
    EXPECT_NE(process.log().find("only use loopback addresses"), std::string::npos)
        << process.log();
  }
}

}  // namespace
}  // namespace chaos::demo::testing
