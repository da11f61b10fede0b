// PrometheusProbe against a real Prometheus server (Debian's `prometheus`), started on an
// ephemeral loopback port with a temporary config and TSDB, scraping the demo shop every
// 100 ms, and stopped by pid. Prometheus takes about 5 s to scrape its first target (its
// service discovery sends targets every 5 s), so each test waits, with a deadline, until
// `up` says the shop is scraped.

#include "probes/prometheus_probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>

#include "common/clock.h"
#include "probes/histogram_quantile.h"
#include "probes/http_fetcher.h"
#include "probes/scrape_probe.h"
#include "support/child_process.h"
#include "support/prometheus_server.h"
#include "support/demo_processes.h"
#include "support/expect_timeout.h"
#include "support/silent_listener.h"
#include "support/test_support.h"

namespace chaos::probes {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kBin = CHAOS_BIN_DIR;

PrometheusProbeConfig instant(const std::string& url, const std::string& query) {
  PrometheusProbeConfig c;
  c.url = url;
  c.query = query;
  return c;
}

class PrometheusProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(test::prometheus_binary()))
        << test::prometheus_binary()
        << " is missing: install Debian's Prometheus server (apt-get install prometheus), "
           "or point CHAOS_PROMETHEUS_BIN at one";
    dir_ = test::make_temp_dir();
    start_demo();
    if (HasFatalFailure()) return;
    start_prometheus();
  }

  void TearDown() override {
    prometheus_.stop();
    demo_ = {};
    if (!HasFailure()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    } else {
      std::printf("test files kept in %s\n", dir_.c_str());
    }
  }

  void start_demo() {
    demo_ = test::DemoProcesses::start(kBin, dir_);
    ASSERT_TRUE(demo_.error.empty()) << demo_.error;
    shop_address_ = demo_.shop_address;
  }

  void start_prometheus() {
    const std::string error = prometheus_.start(dir_, {shop_address_}, "shop");
    ASSERT_TRUE(error.empty()) << error;
    prometheus_url_ = prometheus_.url();
  }

  std::unique_ptr<PrometheusProbe> probe(PrometheusProbeConfig c) {
    auto created = PrometheusProbe::create(std::move(c));
    EXPECT_TRUE(created.is_ok()) << created.status().message();
    return created ? std::move(created.value()) : nullptr;
  }

  void checkouts(int n) {
    HttpFetcher client;
    for (int i = 0; i < n; ++i) {
      auto r = client.get("http://" + shop_address_ + "/checkout", seconds(5), "*/*", 1 << 20);
      ASSERT_TRUE(r.is_ok() && r->status == 200)
          << (r ? std::to_string(r->status) : r.status().message());
    }
  }

  // Waits until Prometheus has scraped `n` checkouts.
  void wait_until_scraped(int n) {
    auto count = probe(instant(prometheus_url_, "sum(shop_checkout_duration_seconds_count)"));
    ProbeSample last;
    EXPECT_TRUE(test::wait_for(
        [&] {
          last = count->sample(clock_);
          return last.ok && last.value == n;
        },
        seconds(10)))
        << last.error << " " << last.value;
  }

  std::string dir_, shop_address_, prometheus_url_;
  test::DemoProcesses demo_;
  test::PrometheusServer prometheus_;
  SystemClock clock_;
};

TEST_F(PrometheusProbeTest, InstantAndRangeQueriesReturnValues) {
  auto up = probe(instant(prometheus_url_, R"(sum(up{job="shop"}))"));
  ProbeSample s = up->sample(clock_);
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.value, 1);
  EXPECT_NE(s.detail.find(R"(query=sum(up{job="shop"}) time=)"), std::string::npos) << s.detail;
  EXPECT_NE(s.detail.find(R"(HTTP 200: {"status":"success")"), std::string::npos) << s.detail;
  EXPECT_LE(s.detail.size(), PrometheusProbe::kMaxDetail + 64);

  checkouts(20);
  wait_until_scraped(20);
  auto total =
      probe(instant(prometheus_url_, R"(sum(shop_http_requests_total{path="/checkout"}))"));
  s = total->sample(clock_);
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.value, 20);

  // The pool size is 4 at every step of the range, however it is reduced.
  for (RangeReduce reduce :
       {RangeReduce::kLast, RangeReduce::kMin, RangeReduce::kMax, RangeReduce::kMean}) {
    PrometheusProbeConfig c = instant(prometheus_url_, "sum(shop_db_pool_size)");
    c.range = seconds(2);
    c.step = milliseconds(250);
    c.reduce = reduce;
    s = probe(c)->sample(clock_);
    ASSERT_TRUE(s.ok) << range_reduce_name(reduce) << ": " << s.error << "\n" << s.detail;
    EXPECT_EQ(s.value, 4);
    EXPECT_NE(s.detail.find("step=0.25s reduce=" + std::string(range_reduce_name(reduce))),
              std::string::npos)
        << s.detail;
  }

  // A range that watched the counter grow: its max is the 20 checkouts, its min is less or equal.
  PrometheusProbeConfig grown =
      instant(prometheus_url_, R"(sum(shop_http_requests_total{path="/checkout"}))");
  grown.range = seconds(30);
  grown.reduce = RangeReduce::kMax;
  s = probe(grown)->sample(clock_);
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.value, 20);
}

// The histogram arithmetic is Prometheus's: the same buckets at the same instant give the
// same quantile, to the last bit.
TEST_F(PrometheusProbeTest, HistogramQuantileMatchesPrometheus) {
  checkouts(60);
  wait_until_scraped(60);
  const int64_t at_ms = SystemClock().unix_ms();

  HttpFetcher fetcher;
  char time[32];
  std::snprintf(time, sizeof time, "%lld.%03lld", static_cast<long long>(at_ms / 1000),
                static_cast<long long>(at_ms % 1000));
  auto raw = fetcher.get(
      prometheus_url_ + "/api/v1/query?query=shop_checkout_duration_seconds_bucket&time=" + time,
      seconds(5), "application/json", 1 << 20);
  ASSERT_TRUE(raw.is_ok() && raw->status == 200) << raw.status().message();
  std::vector<HistogramBucket> buckets;
  const boost::json::value answer = boost::json::parse(raw->body);
  for (const auto& element : answer.at("data").at("result").as_array()) {
    const std::string le(element.at("metric").at("le").as_string());
    const std::string count(element.at("value").as_array()[1].as_string());
    buckets.push_back({le == "+Inf" ? INFINITY : std::stod(le), std::stod(count)});
  }
  ASSERT_EQ(buckets.size(), 11u) << raw->body;
  double observations = 0;
  for (const auto& b : buckets) observations = std::max(observations, b.count);
  EXPECT_EQ(observations, 60) << raw->body;

  ManualClock frozen(at_ms);  // the probe evaluates at exactly the instant read above
  for (double q : {0.25, 0.5, 0.9, 0.99, 1.0}) {
    auto p = probe(instant(prometheus_url_, "histogram_quantile(" + std::to_string(q) +
                                                ", shop_checkout_duration_seconds_bucket)"));
    const ProbeSample s = p->sample(frozen);
    ASSERT_TRUE(s.ok) << s.error;
    EXPECT_DOUBLE_EQ(s.value, histogram_quantile(q, buckets)) << "q=" << q << "\n" << raw->body;
  }
}

TEST_F(PrometheusProbeTest, AnswersThatAreNotOneNumberAreErrorSamples) {
  auto error_of = [&](PrometheusProbeConfig c) {
    const ProbeSample s = probe(std::move(c))->sample(clock_);
    EXPECT_FALSE(s.ok) << "value " << s.value << "\n" << s.detail;
    EXPECT_FALSE(s.detail.empty());
    return s.error;
  };
  const std::string bad = "sum(rate(shop_http_requests_total[1s])";
  const std::string parse_error = error_of(instant(prometheus_url_, bad));
  EXPECT_EQ(parse_error.rfind("prometheus query \"" + bad + "\": Prometheus error bad_data: ", 0),
            0u)
      << parse_error;
  EXPECT_NE(parse_error.find("parse error"), std::string::npos) << parse_error;

  checkouts(1);
  wait_until_scraped(1);
  const std::string several = error_of(instant(prometheus_url_, "shop_http_requests_total"));
  EXPECT_NE(several.find("series, expected exactly one"), std::string::npos) << several;
  EXPECT_EQ(several.find("returned 1 series"), std::string::npos) << several;
  EXPECT_NE(error_of(instant(prometheus_url_, "no_such_metric_anywhere"))
                .find("prometheus query \"no_such_metric_anywhere\": the query returned an empty "
                      "vector (0 series)"),
            std::string::npos);
  EXPECT_NE(error_of(instant(prometheus_url_, "up[1s]")).find("returned a matrix"),
            std::string::npos);
  EXPECT_NE(error_of(instant(prometheus_url_, "0/0")).find("no value: the query answered NaN"),
            std::string::npos);

  PrometheusProbeConfig range = instant(prometheus_url_, bad);
  range.range = seconds(5);
  EXPECT_NE(error_of(range).find("Prometheus error bad_data"), std::string::npos);
}

TEST_F(PrometheusProbeTest, PrometheusGoingAwayIsAProbeError) {
  auto up = probe(instant(prometheus_url_, R"(sum(up{job="shop"}))"));
  PrometheusProbeConfig range_config = instant(prometheus_url_, "sum(shop_db_pool_size)");
  range_config.range = seconds(5);
  auto range = probe(range_config);
  ASSERT_TRUE(up->sample(clock_).ok);
  ASSERT_TRUE(range->sample(clock_).ok);

  prometheus_.stop();  // SIGTERM by pid, waits for the exit
  for (auto* p : {up.get(), range.get()}) {
    const ProbeSample s = p->sample(clock_);
    EXPECT_FALSE(s.ok);
    EXPECT_EQ(s.value, 0);
    EXPECT_NE(s.error.find("Connection refused"), std::string::npos) << s.error;
    EXPECT_NE(s.error.find(prometheus_url_), std::string::npos) << s.error;
  }
}

// Prometheus's own /metrics is a large, real exposition (gzip-encoded, summaries, NaN): the
// ScrapeProbe reads it and counts exactly the queries this test sends.
TEST_F(PrometheusProbeTest, ScrapeProbeReadsPrometheusOwnMetrics) {
  ScrapeProbeConfig c;
  c.url = prometheus_url_ + "/metrics";
  c.what = ScrapeComputation::kRate;
  c.metric = R"(prometheus_http_requests_total{handler="/api/v1/query"})";
  c.window = seconds(10);
  auto scrape = ScrapeProbe::create(c);
  ASSERT_TRUE(scrape.is_ok()) << scrape.status().message();
  ManualClock manual;
  EXPECT_EQ(scrape.value()->sample(manual).error, ScrapeProbe::kWarmingUpError);

  auto up = probe(instant(prometheus_url_, R"(sum(up{job="shop"}))"));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(up->sample(clock_).ok);
  manual.advance(seconds(2));
  const ProbeSample s = scrape.value()->sample(manual);
  ASSERT_TRUE(s.ok) << s.error << "\n" << s.detail;
  EXPECT_DOUBLE_EQ(s.value, 5);  // 10 queries in 2 s
}

TEST(PrometheusProbe, AServerThatNeverAnswersTimesOut) {
  test::SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  PrometheusProbeConfig c = instant("http://" + silent.address(), "up");
  c.timeout = milliseconds(300);
  auto p = PrometheusProbe::create(c);
  ASSERT_TRUE(p.is_ok());
  SystemClock clock;
  test::expect_sample_times_out(*p.value(), clock, milliseconds(300));
}

TEST(PrometheusProbe, ConfigIsValidatedNamingTheField) {
  auto error = [](PrometheusProbeConfig c) {
    auto p = PrometheusProbe::create(std::move(c));
    return p ? std::string("accepted") : p.status().message();
  };
  const std::string url = "http://127.0.0.1:9090";
  EXPECT_EQ(error(instant("127.0.0.1:9090", "up")),
            "prometheus probe: url: '127.0.0.1:9090' must start with http:// or https://");
  EXPECT_EQ(error(instant(url, "  ")), "prometheus probe: query: must not be empty");
  PrometheusProbeConfig step = instant(url, "up");
  step.step = seconds(1);
  EXPECT_EQ(error(step), "prometheus probe: step: only a range query has a step (set range)");
  step.range = std::chrono::hours(48);
  EXPECT_NE(error(step).find("gives more than 11000 points"), std::string::npos);
  step.range = milliseconds(500);
  EXPECT_NE(error(step).find("at most the range"), std::string::npos);
  PrometheusProbeConfig ok = instant(url + "/", "up");
  ok.range = std::chrono::hours(48);  // the default step keeps it under 11000 points
  EXPECT_EQ(error(ok), "accepted");
}

}  // namespace
}  // namespace chaos::probes
