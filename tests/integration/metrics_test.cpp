// Experiments whose hypotheses read metrics: the demo shop's own /metrics scraped directly, and
// a real Prometheus server queried with PromQL — including Prometheus going away mid-run.
#include <signal.h>

#include "demo_fixture.h"
#include "support/prometheus_server.h"
#include "support/test_support.h"

namespace chaos::integration {
namespace {

std::string check_outcome(store::Store& store, int64_t run, const std::string& probe,
                          const std::string& phase) {
  for (const auto& c : store.checks(run).value()) {
    if (c.probe == probe && c.phase == phase) return c.outcome;
  }
  return "missing";
}

TEST_F(DemoFixture, ScrapedMetricsShowEveryShopperSuffer) {
  start_demo(/*with_shoppers=*/true);
  const std::string exp = write_experiment("scrape.lua", R"(
experiment {
  title = "All shoppers, from the shop's metrics",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    scrape_probe "p99" { url = "http://${SHOP}/metrics", every = "200ms",
      histogram = "shop_checkout_duration_seconds", quantile = 0.99, over = "3s",
      min_samples = 5, expect = { max = { max = "10x baseline" } } },
    scrape_probe "errors" { url = "http://${SHOP}/metrics", every = "200ms",
      ratio = { 'shop_http_requests_total{path="/checkout",code!="200"}',
                'shop_http_requests_total{path="/checkout"}' },
      over = "3s", min_samples = 5, expect = { max = 0.01 } },
  },
  method = { fault "latency" { proxy = "db", delay = "250ms", duration = "4s" } },
  recovery = { within = "20s" },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 1) << test::read_file(chaosctl_log_);
  auto store = open_store();
  const int64_t run = store->list_runs(1, 0).value().front().id;
  EXPECT_EQ(check_outcome(*store, run, "p99", "baseline"), "ok");
  EXPECT_EQ(check_outcome(*store, run, "errors", "injecting"), "failed");  // the pool ran dry
  EXPECT_EQ(check_outcome(*store, run, "errors", "recovering"), "ok");
}

TEST_F(DemoFixture, TooFewSamplesIsInconclusiveNotPassed) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("short.lua", R"(
experiment {
  title = "A fault too short to judge",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms", min_samples = 10,
      expect = { p99_ms = 5000 } },
  },
  method = { fault "latency" { proxy = "db", delay = "1ms", duration = "200ms" } },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 1) << test::read_file(chaosctl_log_);
  auto store = open_store();
  auto run = store->list_runs(1, 0).value().front();
  EXPECT_EQ(check_outcome(*store, run.id, "checkout", "injecting"), "inconclusive");
  EXPECT_NE(run.reason.find("inconclusive"), std::string::npos) << run.reason;
}

// PromQL probes, then Prometheus dies while the fault is on: the readings become errors, the
// hypothesis is not counted as holding, and each sample keeps what Prometheus answered.
TEST_F(DemoFixture, PrometheusGoingAwayMidRunIsAProbeError) {
  start_demo(/*with_shoppers=*/false);
  test::PrometheusServer prometheus;
  const std::string error = prometheus.start(dir_, {"127.0.0.1:" + std::to_string(shop_port_)});
  ASSERT_TRUE(error.empty()) << error;
  std::string text = R"(
experiment {
  title = "Prometheus goes away",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    prometheus_probe "shop up" { url = "PROM", query = 'sum(up{job="test"})', every = "100ms",
      min_samples = 3, expect = { min = 1 } },
    prometheus_probe "pool size, last 2s" { url = "PROM", query = 'max(shop_db_pool_size)',
      range = "2s", step = "100ms", reduce = "max", every = "200ms", min_samples = 3,
      expect = { last = 4 } },
  },
  method = { fault "latency" { proxy = "db", delay = "1ms", duration = "6s" } },
  recovery = { within = "2s" },
})";
  for (size_t at = text.find("PROM"); at != std::string::npos; at = text.find("PROM", at)) {
    text.replace(at, 4, prometheus.url());
  }
  const std::string exp = write_experiment("prom.lua", text);
  auto chaosctl = start_chaosctl({"run", exp});
  ASSERT_TRUE(test::wait_for(
      [&] { return test::read_file(chaosctl_log_).find("start latency") != std::string::npos; },
      std::chrono::seconds(30)))
      << test::read_file(chaosctl_log_);
  prometheus.stop();
  auto code = chaosctl->wait_exit(std::chrono::seconds(60));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1) << test::read_file(chaosctl_log_);

  auto store = open_store();
  auto run = store->list_runs(1, 0).value().front();
  EXPECT_EQ(check_outcome(*store, run.id, "shop up", "baseline"), "ok");
  EXPECT_EQ(check_outcome(*store, run.id, "shop up", "injecting"), "error");
  EXPECT_EQ(check_outcome(*store, run.id, "pool size, last 2s", "injecting"), "error");
  EXPECT_NE(run.reason.find("readings failed"), std::string::npos) << run.reason;
  int answered = 0, refused = 0;
  for (const auto& s : store->samples(run.id).value()) {
    if (s.series != "shop up") continue;
    if (s.ok && s.detail.find("sum(up{job=\"test\"})") != std::string::npos) ++answered;
    if (!s.ok && s.error.find("Connection refused") != std::string::npos) ++refused;
  }
  EXPECT_GT(answered, 3);
  EXPECT_GT(refused, 3);
}

}  // namespace
}  // namespace chaos::integration

namespace chaos::integration {
namespace {

// The escape hatch: expect = function(w) sees every aggregate of the window (and the
// baseline's), returns ok and why. A Lua error in it is a check error naming its line.
TEST_F(DemoFixture, ExpectFunctionJudgesTheWindow) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("predicate.lua", R"(
experiment {
  title = "A hypothesis in Lua",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms",
      expect = function(w)
        local limit = 3 * w.baseline.p99 + 50
        return w.p99 < limit, string.format("p99 %.0f ms against a limit of %.0f ms", w.p99, limit)
      end },
    http_probe "broken" { url = "http://${SHOP}/health", every = "50ms",
      expect = function(w) return w.count > 0 and w.nothing.here end },
  },
  method = { fault "latency" { proxy = "db", delay = "200ms", duration = "2s" } },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 2) << test::read_file(chaosctl_log_);
  auto store = open_store();
  auto run = store->list_runs(1, 0).value().front();
  bool checkout_ok = false, broken_error = false;
  for (const auto& c : store->checks(run.id).value()) {
    if (c.probe == "checkout" && c.phase == "baseline") checkout_ok = c.outcome == "ok";
    if (c.probe == "broken" && c.phase == "baseline") {
      broken_error = c.outcome == "error" &&
                     c.expectation.find("predicate.lua:12: attempt to index a nil value (field "
                                        "'nothing')") != std::string::npos;
      EXPECT_TRUE(broken_error) << c.expectation;
    }
  }
  EXPECT_TRUE(checkout_ok);
  EXPECT_TRUE(broken_error);
}

TEST_F(DemoFixture, ExpectFunctionCanFailTheHypothesisWithItsOwnReason) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("predicate2.lua", R"(
experiment {
  title = "A hypothesis in Lua that breaks",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms", min_samples = 3,
      expect = function(w)
        return w.p99 < 3 * w.baseline.p99 + 50, string.format("p99 was %.0f ms", w.p99)
      end },
  },
  method = { fault "latency" { proxy = "db", delay = "200ms", duration = "3s" } },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 1) << test::read_file(chaosctl_log_);
  auto run = open_store()->list_runs(1, 0).value().front();
  EXPECT_NE(run.reason.find("expect 0, expected function at"), std::string::npos) << run.reason;
  EXPECT_NE(run.reason.find("p99 was"), std::string::npos) << run.reason;
}

}  // namespace
}  // namespace chaos::integration

namespace chaos::integration {
namespace {

double check_value(store::Store& store, int64_t run, const std::string& probe,
                   const std::string& phase, const std::string& aggregate) {
  for (const auto& c : store.checks(run).value()) {
    if (c.probe == probe && c.phase == phase && c.aggregate == aggregate) return c.value;
  }
  return -1;
}

// A flood above what the shop's pool can serve: checkout's p99 during the flood is far above the
// baseline's, checkouts fail, and the steady state comes back once the flood stops.
TEST_F(DemoFixture, FloodMakesTheDemosP99Degrade) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("flood.lua", R"(
experiment {
  title = "Checkout under a flood",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "100ms",
      expect = { p99_ms = { max = "3x baseline" }, error_ratio = 0.01 } },
  },
  method = { fault "flood" { target = "http://${SHOP}/checkout", rate = 2000,
                             connections = 500, request_timeout = "5s", duration = "4s" } },
  recovery = { within = "20s" },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 1) << test::read_file(chaosctl_log_);
  auto store = open_store();
  const int64_t run = store->list_runs(1, 0).value().front().id;
  const double baseline = check_value(*store, run, "checkout", "baseline", "p99_ms");
  const double flooded = check_value(*store, run, "checkout", "injecting", "p99_ms");
  EXPECT_GT(baseline, 0);
  EXPECT_GT(flooded, 3 * baseline) << "baseline p99 " << baseline << " ms, flooded " << flooded;
  EXPECT_EQ(check_outcome(*store, run, "checkout", "recovering"), "ok");
  // The flood's own metrics are stored with the run.
  bool flood_metrics = false;
  for (const auto& s : store->samples(run).value()) flood_metrics |= s.series == "flood-1.achieved_rps";
  EXPECT_TRUE(flood_metrics);
}

}  // namespace
}  // namespace chaos::integration
