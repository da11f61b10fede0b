// The exposition parser against real /metrics text (the demo shop's and Prometheus's own,
// captured into fixtures/) and hand-written edge cases, and its rejection of malformed input
// with the line number and the problem.

#include "probes/exposition_parser.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/test_support.h"

namespace chaos::probes {
namespace {

const std::string kFixtures = std::string(CHAOS_SOURCE_DIR) + "/tests/probes/fixtures/";

Exposition parse_ok(const std::string& text) {
  auto parsed = parse_exposition(text);
  EXPECT_TRUE(parsed.is_ok()) << parsed.status().message();
  return parsed ? std::move(parsed.value()) : Exposition{};
}

const MetricSample* find(const Exposition& e, const std::string& name, const Labels& labels = {}) {
  for (const auto* s : e.samples_named(name)) {
    if (s->labels == labels) return s;
  }
  return nullptr;
}

TEST(ExpositionParser, ParsesTheDemoShopsMetrics) {
  const auto e = parse_ok(test::read_file(kFixtures + "demo_shop_metrics.txt"));
  ASSERT_EQ(e.families.size(), 8u);

  const MetricFamily* histogram = e.family("shop_checkout_duration_seconds");
  ASSERT_NE(histogram, nullptr);
  EXPECT_EQ(histogram->type, MetricType::kHistogram);
  EXPECT_EQ(histogram->help, "Time to serve GET /checkout, including waiting for the db pool.");
  EXPECT_EQ(histogram->samples.size(), 13u);  // 11 buckets, _sum, _count
  const MetricSample* inf = find(e, "shop_checkout_duration_seconds_bucket", {{"le", "+Inf"}});
  ASSERT_NE(inf, nullptr);
  EXPECT_EQ(inf->value, 33);
  EXPECT_EQ(find(e, "shop_checkout_duration_seconds_count")->value, 33);
  EXPECT_NEAR(find(e, "shop_checkout_duration_seconds_sum")->value, 0.260677723, 1e-9);
  EXPECT_EQ(e.family_of_sample("shop_checkout_duration_seconds_bucket"), histogram);

  const MetricFamily* requests = e.family("shop_http_requests_total");
  ASSERT_NE(requests, nullptr);
  EXPECT_EQ(requests->type, MetricType::kCounter);
  EXPECT_EQ(find(e, "shop_http_requests_total", {{"path", "/checkout"}, {"code", "502"}})->value,
            3);
  EXPECT_EQ(e.family("shop_db_pool_size")->type, MetricType::kGauge);
  EXPECT_EQ(find(e, "shop_db_pool_size")->value, 4);
}

TEST(ExpositionParser, ParsesPrometheusOwnMetricsWithSummariesAndNaN) {
  const auto e = parse_ok(test::read_file(kFixtures + "prometheus_metrics.txt"));
  EXPECT_GT(e.families.size(), 100u);

  const MetricFamily* gc = e.family("go_gc_duration_seconds");
  ASSERT_NE(gc, nullptr);
  EXPECT_EQ(gc->type, MetricType::kSummary);
  EXPECT_NE(find(e, "go_gc_duration_seconds", {{"quantile", "0.5"}}), nullptr);
  EXPECT_NE(find(e, "go_gc_duration_seconds_sum"), nullptr);
  EXPECT_NE(find(e, "go_gc_duration_seconds_count"), nullptr);
  EXPECT_EQ(e.family_of_sample("go_gc_duration_seconds_count"), gc);

  const MetricFamily* http = e.family("prometheus_http_request_duration_seconds");
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->type, MetricType::kHistogram);
  bool has_labelled_inf = false;
  for (const auto& s : http->samples) {
    has_labelled_inf |=
        s.labels.count("handler") && s.labels.count("le") && s.labels.at("le") == "+Inf";
  }
  EXPECT_TRUE(has_labelled_inf);

  bool has_nan = false;  // quantiles of summaries with no observations are NaN
  for (const auto& f : e.families) {
    for (const auto& s : f.samples) has_nan |= std::isnan(s.value);
  }
  EXPECT_TRUE(has_nan);
}

TEST(ExpositionParser, UnescapesLabelValuesAndHelp) {
  const auto e = parse_ok(
      "# HELP x A \\\\ backslash\\nand a newline.\n"
      "x{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",utf8=\"größe\"} 1\n");
  EXPECT_EQ(e.family("x")->help, "A \\ backslash\nand a newline.");
  const auto& labels = e.family("x")->samples.at(0).labels;
  EXPECT_EQ(labels.at("path"), "C:\\dir");
  EXPECT_EQ(labels.at("quote"), "say \"hi\"");
  EXPECT_EQ(labels.at("nl"), "a\nb");
  EXPECT_EQ(labels.at("utf8"), "größe");
}

TEST(ExpositionParser, ReadsSpecialValuesAndTimestamps) {
  const auto ok = parse_ok(
      "a +Inf\n"
      "b -Inf\n"
      "c NaN\n"
      "d 1.5e-3 1700000000123\n"
      "e -2 -5\n"
      "g inf\n");
  EXPECT_TRUE(std::isinf(find(ok, "a")->value) && find(ok, "a")->value > 0);
  EXPECT_TRUE(std::isinf(find(ok, "b")->value) && find(ok, "b")->value < 0);
  EXPECT_TRUE(std::isnan(find(ok, "c")->value));
  EXPECT_DOUBLE_EQ(find(ok, "d")->value, 0.0015);
  EXPECT_EQ(find(ok, "d")->timestamp_ms, 1700000000123);
  EXPECT_EQ(find(ok, "e")->timestamp_ms, -5);
  EXPECT_FALSE(find(ok, "a")->timestamp_ms.has_value());
  EXPECT_TRUE(std::isinf(find(ok, "g")->value));
}

TEST(ExpositionParser, ToleratesBlankLinesCommentsWhitespaceAndCrlf) {
  const auto e = parse_ok(
      "\n"
      "# just a comment\n"
      "#\n"
      "   \t\n"
      "# TYPE up gauge\r\n"
      "  up {job=\"a\" , instance = \"b\",}  1\t\r\n"
      "no_labels{} 2\n"
      "last_line_without_newline 3");
  EXPECT_EQ(e.families.size(), 3u);
  EXPECT_EQ(e.family("up")->type, MetricType::kGauge);
  EXPECT_EQ(find(e, "up", {{"job", "a"}, {"instance", "b"}})->value, 1);
  EXPECT_EQ(find(e, "no_labels")->value, 2);
  EXPECT_EQ(find(e, "last_line_without_newline")->value, 3);
}

TEST(ExpositionParser, GroupsHistogramAndSummarySamplesIntoTheirFamilies) {
  const auto e = parse_ok(
      "# TYPE rpc summary\n"
      "rpc{quantile=\"0.5\"} 0.1\n"
      "rpc{quantile=\"0.99\"} NaN\n"
      "rpc_sum 5\n"
      "rpc_count 50\n"
      "# TYPE lat histogram\n"
      "lat_bucket{le=\"1\"} 3\n"
      "lat_bucket{le=\"+Inf\"} 4\n"
      "lat_sum 2.5\n"
      "lat_count 4\n"
      "lat_other 1\n");  // not a histogram suffix: its own untyped family
  ASSERT_EQ(e.families.size(), 3u);
  EXPECT_EQ(e.family("rpc")->samples.size(), 4u);
  EXPECT_EQ(e.family("lat")->samples.size(), 4u);
  EXPECT_EQ(e.family("lat_other")->type, MetricType::kUntyped);
  EXPECT_EQ(e.samples_named("lat_bucket").size(), 2u);
}

TEST(ExpositionParser, UntypedSamplesFormFamiliesOfTheirOwnName) {
  const auto e = parse_ok("foo_bucket{le=\"1\"} 1\nfoo_count 1\n");
  EXPECT_EQ(e.families.size(), 2u);
  EXPECT_EQ(e.family("foo_bucket")->type, MetricType::kUntyped);
  EXPECT_EQ(e.samples_named("foo_count").size(), 1u);
}

TEST(ExpositionParser, ParseMetricValueFollowsGoParseFloat) {
  EXPECT_EQ(parse_metric_value("+1.5"), 1.5);
  EXPECT_EQ(parse_metric_value("-0"), -0.0);
  EXPECT_TRUE(std::isinf(*parse_metric_value("1e400")));
  EXPECT_FALSE(parse_metric_value(""));
  EXPECT_FALSE(parse_metric_value("+-1"));
  EXPECT_FALSE(parse_metric_value("1,5"));
  EXPECT_FALSE(parse_metric_value("0x10"));
  EXPECT_FALSE(parse_metric_value("1 "));
}

struct Malformed {
  std::string text;
  std::string error;  // expected as a substring, line number included
};

void PrintTo(const Malformed& m, std::ostream* out) { *out << ::testing::PrintToString(m.text); }

class ExpositionParserRejects : public ::testing::TestWithParam<Malformed> {};

TEST_P(ExpositionParserRejects, NamingTheLineAndTheProblem) {
  const auto parsed = parse_exposition(GetParam().text);
  ASSERT_FALSE(parsed.is_ok()) << GetParam().text;
  EXPECT_NE(parsed.status().message().find(GetParam().error), std::string::npos)
      << "got: " << parsed.status().message() << "\nexpected: " << GetParam().error;
}

// Every bad line follows two good ones, so the line number is checked, not assumed.
const std::string kGood = "# HELP ok Fine.\nok 1\n";

INSTANTIATE_TEST_SUITE_P(
    MalformedInput, ExpositionParserRejects,
    ::testing::Values(
        Malformed{kGood + "x{a=\"b} 1\n", "line 3: unterminated label value of label 'a'"},
        Malformed{kGood + "x{a=\"b\\tc\"} 1\n", "line 3: invalid escape '\\t'"},
        Malformed{kGood + "x{a=b} 1\n", "line 3: the value of label 'a' must be in double quotes"},
        Malformed{kGood + "x{a=\"1\" b=\"2\"} 1\n", "line 3: expected ',' or '}' after the value"},
        Malformed{kGood + "x{a=\"1\"\n", "line 3: unterminated label set"},
        Malformed{kGood + "x{=\"1\"} 1\n", "line 3: expected a label name"},
        Malformed{kGood + "x{a\"1\"} 1\n", "line 3: expected '=' after label name 'a'"},
        Malformed{kGood + "x{a=\"1\",a=\"2\"} 1\n", "line 3: duplicate label 'a'"},
        Malformed{kGood + "x\n", "line 3: sample 'x' has no value"},
        Malformed{kGood + "x{} \n", "line 3: sample 'x' has no value"},
        Malformed{kGood + "x abc\n", "line 3: invalid value 'abc' for 'x'"},
        Malformed{kGood + "x +-1\n", "line 3: invalid value '+-1'"},
        Malformed{kGood + "x 1 1.5\n", "line 3: invalid timestamp '1.5'"},
        Malformed{kGood + "x 1 2 3\n", "line 3: unexpected text after the timestamp"},
        Malformed{kGood + "1x 2\n", "line 3: expected a metric name"},
        Malformed{kGood + "x-y 1\n", "line 3: invalid character in metric name"},
        Malformed{kGood + "# TYPE x speedometer\n", "line 3: unknown metric type 'speedometer'"},
        Malformed{kGood + "# TYPE x\n", "line 3: # TYPE 'x' has no type"},
        Malformed{kGood + "# TYPE x counter\n# TYPE x gauge\n", "line 4: second TYPE line for 'x'"},
        Malformed{kGood + "# HELP ok Again.\n", "line 3: second HELP line for 'ok'"},
        Malformed{kGood + "# HELP\n", "line 3: expected a metric name after # HELP"},
        Malformed{kGood + "# TYPE ok counter\n", "line 3: TYPE line for 'ok' after its samples"},
        Malformed{kGood + "# TYPE h histogram\nh_bucket 1\n",
                  "line 4: 'h_bucket' has no 'le' label"},
        Malformed{kGood + "# TYPE h histogram\nh_bucket{le=\"x\"} 1\n",
                  "line 4: 'h_bucket' has a non-numeric le=\"x\""},
        Malformed{kGood + "# TYPE h histogram\nh 1\n",
                  "line 4: histogram 'h' sample needs a suffix"},
        Malformed{kGood + "# TYPE s summary\ns 1\n", "line 4: 's' has no 'quantile' label"},
        Malformed{kGood + "x{a=\"1\"} 1\nx{a=\"1\"} 2\n",
                  "line 4: duplicate sample for 'x' with the same labels (first on line 3)"}));

}  // namespace
}  // namespace chaos::probes
