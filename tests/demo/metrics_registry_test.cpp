#include "metrics_registry.h"

#include <gtest/gtest.h>

#include <limits>

namespace chaos::demo {
namespace {

TEST(MetricsRegistry, RendersCountersGaugesWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  auto& requests = registry.counter("requests_total", "Requests.\nSecond line \\ here.");
  requests.with({{"path", "/a"}, {"code", "200"}}).inc();
  requests.with({{"path", "/a"}, {"code", "200"}}).inc(2);
  requests.with({{"path", "q\"uote"}}).inc();
  registry.gauge("in_use", "In use.").with().set(4);

  EXPECT_EQ(registry.render(),
            "# HELP requests_total Requests.\\nSecond line \\\\ here.\n"
            "# TYPE requests_total counter\n"
            "requests_total{path=\"/a\",code=\"200\"} 3\n"
            "requests_total{path=\"q\\\"uote\"} 1\n"
            "# HELP in_use In use.\n"
            "# TYPE in_use gauge\n"
            "in_use 4\n");
}

TEST(MetricsRegistry, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  auto& latency = registry.histogram("latency_seconds", "Latency.", {0.25, 0.5}).with();
  latency.observe(0.125);
  latency.observe(0.25);  // on the bound: counts in le="0.25"
  latency.observe(0.375);
  latency.observe(7);

  EXPECT_EQ(registry.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.25\"} 2\n"
            "latency_seconds_bucket{le=\"0.5\"} 3\n"
            "latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "latency_seconds_sum 7.75\n"
            "latency_seconds_count 4\n");
}

TEST(MetricsRegistry, ValuesUseShortestRoundTripForm) {
  EXPECT_EQ(format_metric_value(0.005), "0.005");
  EXPECT_EQ(format_metric_value(2.5), "2.5");
  EXPECT_EQ(format_metric_value(1), "1");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
}

}  // namespace
}  // namespace chaos::demo
