// ScrapeProbe against the real demo shop (db and shop as child processes on ephemeral loopback
// ports): rates, p99 and error ratios come out right while checkouts are driven over HTTP, and
// every failure to read the endpoint is an error sample, never a healthy value.
//
// Time in the window is a ManualClock: the shop is real, but "one second later" is exact, so
// a rate of 20 checkouts over 2 s is exactly 10/s.

#include "probes/scrape_probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "common/clock.h"
#include "probes/http_fetcher.h"
#include "support/child_process.h"
#include "support/demo_processes.h"
#include "support/expect_timeout.h"
#include "support/silent_listener.h"
#include "support/test_support.h"

namespace chaos::probes {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kBin = CHAOS_BIN_DIR;

ScrapeProbeConfig config(ScrapeComputation what, std::string metric,
                         Micros window = std::chrono::seconds(30), std::string url = "") {
  ScrapeProbeConfig c;
  c.url = std::move(url);
  c.what = what;
  c.metric = std::move(metric);
  c.window = window;
  return c;
}

class ScrapeProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::make_temp_dir();
    demo_ = test::DemoProcesses::start(kBin, dir_);
    ASSERT_TRUE(demo_.error.empty()) << demo_.error;
    shop_url_ = "http://" + demo_.shop_address;
  }

  void TearDown() override {
    demo_ = {};
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Drives `n` checkouts one after another; returns how many answered `status`.
  int checkouts(int n, long status = 200) {
    int matching = 0;
    for (int i = 0; i < n; ++i) {
      auto r = client_.get(shop_url_ + "/checkout", seconds(5), "*/*", 1 << 20);
      EXPECT_TRUE(r.is_ok()) << r.status().message();
      if (r && r->status == status) ++matching;
    }
    return matching;
  }

  std::unique_ptr<ScrapeProbe> probe(ScrapeProbeConfig c) {
    if (c.url.empty()) c.url = shop_url_ + "/metrics";
    auto created = ScrapeProbe::create(std::move(c));
    EXPECT_TRUE(created.is_ok()) << created.status().message();
    return created ? std::move(created.value()) : nullptr;
  }

  std::string dir_, shop_url_;
  test::DemoProcesses demo_;
  HttpFetcher client_;
  ManualClock clock_;
};

TEST_F(ScrapeProbeTest, TheLiveDemoExpositionParses) {
  checkouts(3);
  auto r = client_.get(shop_url_ + "/metrics", seconds(5), "text/plain", 1 << 20);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  auto parsed = parse_exposition(r->body);
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().message() << "\n" << r->body;
  EXPECT_EQ(parsed->families.size(), 8u);
  ASSERT_NE(parsed->family("shop_checkout_duration_seconds"), nullptr);
  EXPECT_EQ(parsed->family("shop_checkout_duration_seconds")->type, MetricType::kHistogram);
}

TEST_F(ScrapeProbeTest, CheckoutRateIsExactOverTheInjectedClock) {
  auto p = probe(config(ScrapeComputation::kRate, R"(shop_http_requests_total{path="/checkout"})",
                        seconds(10)));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->unit(), "/s");
  const ProbeSample first = p->sample(clock_);
  EXPECT_FALSE(first.ok);
  EXPECT_EQ(first.error, ScrapeProbe::kWarmingUpError);

  ASSERT_EQ(checkouts(20), 20);
  clock_.advance(seconds(2));
  const ProbeSample s = p->sample(clock_);
  ASSERT_TRUE(s.ok) << s.error << "\n" << s.detail;
  EXPECT_DOUBLE_EQ(s.value, 10);  // 20 checkouts in 2 s
  EXPECT_NE(s.detail.find("rate(shop_http_requests_total{path=\"/checkout\"}[10s]) = 10"),
            std::string::npos)
      << s.detail;
  EXPECT_NE(s.detail.find("HTTP 200"), std::string::npos) << s.detail;
  EXPECT_EQ(s.unix_ms, clock_.unix_ms());
}

TEST_F(ScrapeProbeTest, P99OfCheckoutLatencyIsPlausibleAndInSeconds) {
  auto p =
      probe(config(ScrapeComputation::kQuantile, "shop_checkout_duration_seconds", seconds(10)));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->unit(), "s");
  EXPECT_FALSE(p->sample(clock_).ok);  // warming up

  // The client's own view bounds what the histogram may say: every checkout took at most
  // `slowest`, so p99 is at most the first bucket bound above it.
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(checkouts(50), 50);
  const double slowest =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  clock_.advance(seconds(1));
  const ProbeSample s = p->sample(clock_);
  ASSERT_TRUE(s.ok) << s.error << "\n" << s.detail;
  EXPECT_GT(s.value, 0);
  EXPECT_LE(s.value, 0.25) << "a 2 ms db should not give a p99 over 250 ms";
  EXPECT_LT(s.value, slowest + 0.25);
  EXPECT_NE(s.detail.find("histogram_quantile(0.99, sum by (le) "
                          "(rate(shop_checkout_duration_seconds_bucket[10s])))"),
            std::string::npos)
      << s.detail;

  // No checkouts in the next second: no observations in a 1 s window is "no value", not 0.
  auto idle =
      probe(config(ScrapeComputation::kQuantile, "shop_checkout_duration_seconds", seconds(1)));
  ASSERT_TRUE(idle);
  (void)idle->sample(clock_);
  clock_.advance(seconds(1));
  const ProbeSample none = idle->sample(clock_);
  EXPECT_FALSE(none.ok);
  EXPECT_EQ(none.error,
            "no value: no observations of 'shop_checkout_duration_seconds' in the window");
}

TEST_F(ScrapeProbeTest, ErrorRatioCountsTheFirst502s) {
  ScrapeProbeConfig c = config(ScrapeComputation::kRatio, "", seconds(30));
  c.selector = R"(path="/checkout")";
  c.numerator = R"(shop_http_requests_total{code=~"5.."})";
  c.denominator = "shop_http_requests_total";
  auto p = probe(c);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->unit(), "ratio");
  EXPECT_FALSE(p->sample(clock_).ok);

  ASSERT_EQ(checkouts(10), 10);
  clock_.advance(seconds(1));
  ProbeSample healthy = p->sample(clock_);
  ASSERT_TRUE(healthy.ok) << healthy.error << "\n" << healthy.detail;
  EXPECT_EQ(healthy.value, 0);  // no 5xx series exists yet: its rate is 0, not an error

  demo_.db->stop();  // the shop answers 502 while its db is down
  ASSERT_EQ(checkouts(10, 502), 10);
  clock_.advance(seconds(1));
  ProbeSample broken = p->sample(clock_);
  ASSERT_TRUE(broken.ok) << broken.error << "\n" << broken.detail;
  EXPECT_DOUBLE_EQ(broken.value, 0.5);  // 10 of the 20 checkouts in the window
}

TEST_F(ScrapeProbeTest, AGaugeNeedsOneScrape) {
  auto p = probe(config(ScrapeComputation::kGauge, "shop_db_pool_size"));
  ASSERT_TRUE(p);
  const ProbeSample s = p->sample(clock_);
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.value, 4);
}

TEST_F(ScrapeProbeTest, AMisspeltMetricIsAnErrorNotZero) {
  auto p = probe(config(ScrapeComputation::kRate, "shop_http_request_total"));
  ASSERT_TRUE(p);
  (void)p->sample(clock_);
  clock_.advance(seconds(1));
  const ProbeSample s = p->sample(clock_);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.error, "no metric 'shop_http_request_total' in the scrapes of the window");
}

TEST_F(ScrapeProbeTest, NotFoundAndNonExpositionBodiesAreErrors) {
  auto missing = probe(config(ScrapeComputation::kGauge, "x", seconds(30), shop_url_ + "/nope"));
  ASSERT_TRUE(missing);
  const ProbeSample s404 = missing->sample(clock_);
  EXPECT_FALSE(s404.ok);
  EXPECT_EQ(s404.error, "GET " + shop_url_ + "/nope: HTTP 404");

  auto json = probe(config(ScrapeComputation::kGauge, "x", seconds(30), shop_url_ + "/checkout"));
  ASSERT_TRUE(json);
  const ProbeSample bad = json->sample(clock_);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.error.find("not valid exposition text: line 1: expected a metric name"),
            std::string::npos)
      << bad.error;
  EXPECT_NE(bad.detail.find("body: {\"order\""), std::string::npos) << bad.detail;
}

TEST(ScrapeProbe, AClosedPortIsAnErrorSample) {
  const std::string url =
      "http://127.0.0.1:" + std::to_string(test::unused_loopback_port()) + "/metrics";
  auto p = ScrapeProbe::create(config(ScrapeComputation::kGauge, "up", seconds(30), url));
  ASSERT_TRUE(p.is_ok());
  ManualClock clock;
  const ProbeSample s = p.value()->sample(clock);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.value, 0);
  EXPECT_EQ(s.error.rfind("GET " + url + ": ", 0), 0u) << s.error;
  EXPECT_NE(s.error.find("Connection refused"), std::string::npos) << s.error;
}

TEST(ScrapeProbe, AnEndpointThatNeverAnswersTimesOut) {
  test::SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  const std::string url = "http://" + silent.address() + "/metrics";

  ScrapeProbeConfig c = config(ScrapeComputation::kGauge, "up", seconds(30), url);
  c.timeout = milliseconds(300);
  auto p = ScrapeProbe::create(c);
  ASSERT_TRUE(p.is_ok());
  ManualClock clock;
  test::expect_sample_times_out(*p.value(), clock, milliseconds(300));
}

TEST(ScrapeProbe, ConfigIsValidatedNamingTheField) {
  auto error = [](ScrapeProbeConfig c) {
    auto p = ScrapeProbe::create(std::move(c));
    return p ? std::string("accepted") : p.status().message();
  };
  const std::string url = "http://127.0.0.1:1/metrics";
  EXPECT_EQ(error(config(ScrapeComputation::kGauge, "up", seconds(30), "ftp://x")),
            "scrape probe: url: 'ftp://x' must start with http:// or https://");
  ScrapeProbeConfig q = config(ScrapeComputation::kQuantile, "x", seconds(30), url);
  q.quantile = 1.5;
  EXPECT_EQ(error(q), "scrape probe: quantile: must be between 0 and 1, got 1.5");
  EXPECT_EQ(error(config(ScrapeComputation::kGauge, "up", Micros(0), url)),
            "scrape probe: window: must be positive");
  EXPECT_NE(error(config(ScrapeComputation::kGauge, "up{code=5}", seconds(30), url))
                .find("scrape probe: metric: selector"),
            std::string::npos);
  ScrapeProbeConfig ratio = config(ScrapeComputation::kRatio, "", seconds(30), url);
  ratio.numerator = "a";
  EXPECT_NE(error(ratio).find("scrape probe: denominator:"), std::string::npos);
  ScrapeProbeConfig stray = config(ScrapeComputation::kGauge, "up", seconds(30), url);
  stray.numerator = "a";
  EXPECT_EQ(error(stray),
            "scrape probe: numerator: only a ratio has a numerator and a denominator");
  EXPECT_EQ(parse_scrape_computation("p99").status().message(),
            "expected gauge, rate, quantile or ratio, got \"p99\"");
}

}  // namespace
}  // namespace chaos::probes
