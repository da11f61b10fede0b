// Window arithmetic over scrapes stamped by a ManualClock: counter rates with resets, series
// that appear inside the window, histogram quantiles from bucket deltas, ratios including 0/0,
// label selectors, and "warming up" until the window holds two scrapes.

#include "probes/metric_window.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace chaos::probes {
namespace {

using std::chrono::seconds;

SeriesSelector sel(std::string_view text) {
  auto parsed = parse_series_selector(text);
  EXPECT_TRUE(parsed.is_ok()) << parsed.status().message();
  return parsed ? std::move(parsed.value()) : SeriesSelector{};
}

class MetricWindowTest : public ::testing::Test {
 protected:
  // Adds a scrape of `text` at the clock's time, then moves the clock on by `then`.
  void scrape(const std::string& text, seconds then = seconds(1)) {
    auto parsed = parse_exposition(text);
    ASSERT_TRUE(parsed.is_ok()) << parsed.status().message();
    window_.add(clock_.now(), std::move(parsed.value()));
    last_ = clock_.now();
    clock_.advance(then);
  }
  // Computations are asked at the time of the newest scrape, as ScrapeProbe does.
  SteadyTime now() const { return last_; }

  static std::string counter(double value) {
    return "# TYPE c_total counter\nc_total " + std::to_string(value) + "\n";
  }

  ManualClock clock_;
  SteadyTime last_{};
  MetricWindow window_{seconds(60)};
};

void expect_value(const WindowValue& v, double expected) {
  ASSERT_EQ(v.kind, WindowValue::Kind::kValue) << v.reason;
  EXPECT_NEAR(v.value, expected, 1e-9);
}

void expect_kind(const WindowValue& v, WindowValue::Kind kind, const std::string& reason) {
  EXPECT_EQ(v.kind, kind) << v.reason;
  EXPECT_NE(v.reason.find(reason), std::string::npos) << v.reason;
}

TEST_F(MetricWindowTest, CounterRateIsTheIncreaseOverTheTimeBetweenScrapes) {
  scrape(counter(100));
  scrape(counter(110));
  scrape(counter(130), seconds(0));
  expect_value(window_.rate(sel("c_total"), seconds(10), now()), 15);  // 30 over 2 s
}

TEST_F(MetricWindowTest, FewerThanTwoScrapesInTheWindowIsWarmingUpNotZero) {
  const auto c = sel("c_total");
  expect_kind(window_.rate(c, seconds(10), clock_.now()), WindowValue::Kind::kWarmingUp,
              "need two scrapes in the window, have 0");
  scrape(counter(5), seconds(0));
  expect_kind(window_.rate(c, seconds(10), now()), WindowValue::Kind::kWarmingUp, "have 1");
  clock_.advance(seconds(20));
  scrape(counter(9), seconds(0));  // the first scrape is now outside a 10 s window
  expect_kind(window_.rate(c, seconds(10), now()), WindowValue::Kind::kWarmingUp, "have 1");
  expect_value(window_.rate(c, seconds(30), now()), 0.2);  // a longer window still sees both
}

TEST_F(MetricWindowTest, OnlyScrapesInsideTheWindowCount) {
  scrape(counter(0), seconds(10));
  scrape(counter(1000), seconds(10));  // a burst at the start...
  scrape(counter(1010), seconds(10));
  scrape(counter(1020), seconds(0));
  expect_value(window_.rate(sel("c_total"), seconds(15), now()), 1);  // ...outside the window
  expect_value(window_.rate(sel("c_total"), seconds(30), now()), 1020.0 / 30);
}

TEST_F(MetricWindowTest, ACounterThatDropsWasResetAsInPrometheus) {
  scrape(counter(100));
  scrape(counter(150));
  scrape(counter(20));  // restarted: 20 since the reset
  scrape(counter(50), seconds(0));
  expect_value(window_.rate(sel("c_total"), seconds(10), now()), (50.0 + 20 + 30) / 3);
}

const char* kRequests =
    "# TYPE req_total counter\n"
    "req_total{path=\"/checkout\",code=\"200\"} %d\n"
    "req_total{path=\"/checkout\",code=\"500\"} %d\n"
    "req_total{path=\"/checkout\",code=\"503\"} %d\n"
    "req_total{path=\"/health\",code=\"200\"} %d\n";

std::string requests(int ok, int e500, int e503, int health) {
  char buf[512];
  std::snprintf(buf, sizeof buf, kRequests, ok, e500, e503, health);
  return buf;
}

TEST_F(MetricWindowTest, SumsTheRatesOfTheSeriesTheSelectorMatches) {
  scrape(requests(0, 0, 0, 0), seconds(2));
  scrape(requests(100, 4, 6, 20), seconds(0));
  const auto window = seconds(10);
  expect_value(window_.rate(sel("req_total"), window, now()), 65);
  expect_value(window_.rate(sel(R"(req_total{path="/checkout"})"), window, now()), 55);
  expect_value(window_.rate(sel(R"(req_total{code=~"5.."})"), window, now()), 5);
  expect_value(window_.rate(sel(R"(req_total{code="500"})"), window, now()), 2);
  expect_value(window_.rate(sel(R"(req_total{code!~"5..",path="/checkout"})"), window, now()), 50);
  expect_value(window_.rate(sel(R"(req_total{code="404"})"), window, now()), 0);  // none yet
}

TEST_F(MetricWindowTest, ASeriesNewInTheWindowCountsFromZero) {
  // The first 503s of a labelled counter: the series did not exist in the first scrape.
  scrape("# TYPE req_total counter\nreq_total{code=\"200\"} 10\n");
  scrape("# TYPE req_total counter\nreq_total{code=\"200\"} 20\nreq_total{code=\"503\"} 3\n",
         seconds(0));
  expect_value(window_.rate(sel(R"(req_total{code="503"})"), seconds(10), now()), 3);
  expect_value(
      window_.ratio(sel(R"(req_total{code=~"5.."})"), sel("req_total"), seconds(10), now()),
      3.0 / 13);
}

TEST_F(MetricWindowTest, ASeriesNewInTheWindowWasZeroInEveryEarlierScrape) {
  // 30 requests in the window, 10 of them errors that started in the last second: the ratio
  // is 1/3, because the 503 series counts as 0 in both earlier scrapes.
  scrape("# TYPE req_total counter\nreq_total{code=\"200\"} 0\n");
  scrape("# TYPE req_total counter\nreq_total{code=\"200\"} 10\n");
  scrape("# TYPE req_total counter\nreq_total{code=\"200\"} 20\nreq_total{code=\"503\"} 10\n",
         seconds(0));
  expect_value(window_.rate(sel(R"(req_total{code="503"})"), seconds(10), now()), 5);
  expect_value(
      window_.ratio(sel(R"(req_total{code=~"5.."})"), sel("req_total"), seconds(10), now()),
      1.0 / 3);
}

TEST_F(MetricWindowTest, ASeriesWhoseMetricWasAbsentStartsAtItsFirstScrape) {
  // The metric itself was missing from the first scrape (an exporter that had not registered
  // it yet): nothing is assumed about that time.
  scrape("# TYPE other gauge\nother 1\n");
  scrape("# TYPE req_total counter\nreq_total 5\n");
  scrape("# TYPE req_total counter\nreq_total 9\n", seconds(0));
  expect_value(window_.rate(sel("req_total"), seconds(10), now()), 4);
}

TEST_F(MetricWindowTest, AMissingMetricOrAMisspeltLabelIsAnErrorNotZero) {
  scrape(requests(1, 0, 0, 0));
  scrape(requests(2, 0, 0, 0), seconds(0));
  expect_kind(window_.rate(sel("nope_total"), seconds(10), now()), WindowValue::Kind::kError,
              "no metric 'nope_total' in the scrapes of the window");
  expect_kind(window_.rate(sel(R"(req_total{cdoe="500"})"), seconds(10), now()),
              WindowValue::Kind::kError,
              "no series of 'req_total' has the label 'cdoe' (its labels: code, path)");
  expect_kind(window_.gauge(sel(R"(req_total{cdoe="500"})"), seconds(10), now()),
              WindowValue::Kind::kError, "has the label 'cdoe'");
}

TEST_F(MetricWindowTest, RatioOfZeroOverZeroHasNoValue) {
  scrape(requests(5, 1, 0, 0));
  scrape(requests(5, 1, 0, 0), seconds(0));
  const auto errors = sel(R"(req_total{code=~"5.."})");
  const auto all = sel("req_total");
  expect_kind(window_.ratio(errors, all, seconds(10), now()), WindowValue::Kind::kNoValue,
              "no events in the window (0/0)");
}

TEST_F(MetricWindowTest, RatioIsErrorsOverRequests) {
  scrape(requests(0, 0, 0, 0));
  scrape(requests(90, 4, 6, 0), seconds(0));
  expect_value(
      window_.ratio(sel(R"(req_total{code=~"5.."})"), sel("req_total"), seconds(10), now()), 0.1);
}

TEST_F(MetricWindowTest, RatioWaitsForTwoScrapes) {
  scrape(requests(0, 0, 0, 0), seconds(0));
  expect_kind(window_.ratio(sel("req_total"), sel("req_total"), seconds(10), now()),
              WindowValue::Kind::kWarmingUp, "need two scrapes");
}

TEST_F(MetricWindowTest, GaugeIsTheNewestValueSummedOverMatchingSeries) {
  const char* text = "# TYPE pool gauge\npool{db=\"a\"} %d\npool{db=\"b\"} %d\n";
  char buf[128];
  std::snprintf(buf, sizeof buf, text, 1, 2);
  scrape(buf);
  std::snprintf(buf, sizeof buf, text, 3, 4);
  scrape(buf, seconds(0));
  expect_value(window_.gauge(sel("pool"), seconds(10), now()), 7);
  expect_value(window_.gauge(sel(R"(pool{db="a"})"), seconds(10), now()), 3);
  expect_kind(window_.gauge(sel(R"(pool{db="c"})"), seconds(10), now()),
              WindowValue::Kind::kNoValue, "no series matches pool{db=\"c\"}");
  expect_kind(window_.gauge(sel("pool"), seconds(10), now() + seconds(30)),
              WindowValue::Kind::kWarmingUp, "no scrape in the window");
}

std::string histogram(const std::string& labels, int b01, int b05, int b1, int inf) {
  const std::string sep = labels.empty() ? "" : labels + ",";
  return "lat_bucket{" + sep + "le=\"0.1\"} " + std::to_string(b01) + "\n" + "lat_bucket{" + sep +
         "le=\"0.5\"} " + std::to_string(b05) + "\n" + "lat_bucket{" + sep + "le=\"1\"} " +
         std::to_string(b1) + "\n" + "lat_bucket{" + sep + "le=\"+Inf\"} " + std::to_string(inf) +
         "\n" + "lat_count" + (labels.empty() ? "" : "{" + labels + "}") + " " +
         std::to_string(inf) + "\n";
}

const std::string kLatType = "# TYPE lat histogram\n";

TEST_F(MetricWindowTest, QuantileComesFromBucketDeltasInTheWindow) {
  // Before the 5 s window: 100 fast observations that must not count in it.
  scrape(kLatType + histogram("", 0, 0, 0, 0), seconds(10));
  scrape(kLatType + histogram("", 100, 100, 100, 100));
  // In the window: +10 <= 0.1, +90 in (0.1,0.5], +10 in (0.5,1], +0 above.
  scrape(kLatType + histogram("", 110, 200, 210, 210), seconds(0));
  const auto lat = sel("lat");
  // Deltas {0.1: 10, 0.5: 100, 1: 110, +Inf: 110}. p50: rank 55 in (0.1, 0.5]: 45 of 90.
  expect_value(window_.quantile(0.5, lat, seconds(5), now()), 0.1 + 0.4 * 45 / 90);
  // p99: rank 108.9 in (0.5, 1]: 8.9 of 10.
  expect_value(window_.quantile(0.99, lat, seconds(5), now()), 0.5 + 0.5 * 0.89);
  // Over the longer window the fast observations pull p50 into the first bucket.
  expect_value(window_.quantile(0.5, lat, seconds(30), now()), 0.1 * 105 / 110);
  // Naming the bucket series works too.
  expect_value(window_.quantile(0.5, sel("lat_bucket"), seconds(5), now()), 0.3);
}

TEST_F(MetricWindowTest, QuantileSumsMatchingSeriesByLe) {
  scrape(kLatType + histogram("m=\"GET\"", 0, 0, 0, 0) + histogram("m=\"POST\"", 0, 0, 0, 0));
  scrape(kLatType + histogram("m=\"GET\"", 10, 10, 10, 10) + histogram("m=\"POST\"", 0, 0, 10, 10),
         seconds(0));
  // Both: {0.1: 10, 0.5: 10, 1: 20, +Inf: 20}; p75: rank 15 in (0.5, 1]: 5 of 10.
  expect_value(window_.quantile(0.75, sel("lat"), seconds(5), now()), 0.75);
  expect_value(window_.quantile(0.75, sel(R"(lat{m="GET"})"), seconds(5), now()), 0.075);
  expect_value(window_.quantile(0.5, sel(R"(lat{m="POST"})"), seconds(5), now()), 0.75);
}

TEST_F(MetricWindowTest, QuantileWithoutObservationsHasNoValue) {
  scrape(kLatType + histogram("", 5, 5, 5, 5));
  scrape(kLatType + histogram("", 5, 5, 5, 5), seconds(0));
  expect_kind(window_.quantile(0.99, sel("lat"), seconds(5), now()), WindowValue::Kind::kNoValue,
              "no observations of 'lat' in the window");
}

TEST_F(MetricWindowTest, QuantileSurvivesAResetOfTheHistogram) {
  scrape(kLatType + histogram("", 50, 50, 50, 50));
  scrape(kLatType + histogram("", 0, 10, 10, 10), seconds(0));  // restarted: 10 in (0.1, 0.5]
  expect_value(window_.quantile(0.5, sel("lat"), seconds(5), now()), 0.3);
}

TEST_F(MetricWindowTest, QuantileNeedsAnInfBucket) {
  scrape("# TYPE lat histogram\nlat_bucket{le=\"1\"} 1\n");
  scrape("# TYPE lat histogram\nlat_bucket{le=\"1\"} 5\n", seconds(0));
  expect_kind(window_.quantile(0.5, sel("lat"), seconds(5), now()), WindowValue::Kind::kError,
              "histogram 'lat' has no +Inf bucket");
}

TEST(MetricWindow, KeepsOnlyTheRetention) {
  ManualClock clock;
  MetricWindow window(seconds(10));
  for (int i = 0; i < 30; ++i) {
    window.add(clock.now(), Exposition{});
    clock.advance(seconds(1));
  }
  EXPECT_EQ(window.size(), 11u);  // the newest and the 10 s before it
}

}  // namespace
}  // namespace chaos::probes
