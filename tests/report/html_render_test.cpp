// The HTML report and its SVG charts rendered from report documents made here (no run needed):
// the charts' parts are there and placed, hostile text cannot break out of the markup, nothing
// would be fetched, a long series is thinned without losing its spike, and thresholds are read
// from the expectations as the hypothesis writes them. tests/browser/html_report.test.mjs
// opens a real run's report in Chromium.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>

#include "report/html_report.h"
#include "report/junit_report.h"
#include "report/svg_chart.h"
#include "report/thresholds.h"

namespace chaos::report {
namespace {

namespace json = boost::json;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

json::object sample(const char* series, int64_t unix_ms, json::value value, bool ok = true) {
  return {{"series", series}, {"unix_ms", unix_ms},   {"value", value},
          {"ok", ok},         {"phase", "injecting"}, {"error", ok ? "" : "connection refused"},
          {"detail", ""}};
}

// A deviated run of 10 s: "home" sampled every second with one failed reading, a fault from
// 3 s to 7 s, a check of p99_ms <= 60 on home, and a plugin series without checks.
json::object report_document() {
  const int64_t t0 = 1'700'000'000'000;
  json::array samples;
  for (int i = 0; i < 10; ++i) {
    samples.push_back(i == 5 ? sample("home", t0 + i * 1000, nullptr, false)
                             : sample("home", t0 + i * 1000, 10.0 + (i >= 3 && i < 7 ? 150 : 0)));
  }
  samples.push_back(sample("slow-web.bytes", t0 + 4000, 1200));
  samples.push_back(sample("slow-web.bytes", t0 + 5000, 2400));
  return {{"schema", "chaosctl.report/1"},
          {"id", 7},
          {"experiment", "exp/slow.lua"},
          {"title", "nginx behind a slow proxy"},
          {"description", "Latency on the web path."},
          {"started_unix_ms", t0},
          {"ended_unix_ms", t0 + 10'000},
          {"duration_ms", 10'000},
          {"state", "done"},
          {"verdict", "deviated"},
          {"reason", "home p99_ms 160 (expected <= 60)"},
          {"seed", 1},
          {"source", "experiment { title = \"x\" }"},
          {"source_sha256", "abc123"},
          {"plugins", json::array{{{"name", "network"}, {"version", "0.1.0"}}}},
          {"abort_latency_ms", nullptr},
          {"time_to_recover_ms", 1500},
          {"events", json::array{{{"unix_ms", t0 + 3000},
                                  {"phase", "injecting"},
                                  {"kind", "fault_start"},
                                  {"message", "latency slow-web"}}}},
          {"checks", json::array{{{"probe", "home"},
                                  {"phase", "injecting"},
                                  {"aggregate", "p99_ms"},
                                  {"value", 160.0},
                                  {"expectation", "<= 60"},
                                  {"outcome", "failed"},
                                  {"samples", 4}}}},
          {"fault_windows", json::array{{{"fault_id", 1},
                                         {"name", "slow-web"},
                                         {"kind", "latency"},
                                         {"start_unix_ms", t0 + 3000},
                                         {"end_unix_ms", t0 + 7000},
                                         {"ended_by", "stop"}}}},
          {"faults", json::array{{{"id", 1},
                                  {"name", "slow-web"},
                                  {"kind", "latency"},
                                  {"figures", json::array{{{"label", "connections"},
                                                           {"text", "12 accepted"}}}}}}},
          {"samples", samples},
          {"pending_recovery", json::array{}}};
}

TEST(HtmlReport, HasAChartPerSeriesWithTheLineFaultWindowThresholdAndFailedReadings) {
  const std::string html = html_report(report_document(), "chaosctl test");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<svg class=\"chart\""), 2u);
  EXPECT_NE(html.find("data-series=\"home\" data-samples=\"10\" data-fault-windows=\"1\" "
                      "data-thresholds=\"1\""),
            std::string::npos);
  EXPECT_NE(html.find("data-series=\"slow-web.bytes\" data-samples=\"2\" data-fault-windows=\"1\" "
                      "data-thresholds=\"0\""),
            std::string::npos);
  // The judged series first; the plugin's metric folded away under <details>.
  const size_t folded = html.find("<details class=\"other-series\"><summary>1 other series");
  ASSERT_NE(folded, std::string::npos);
  EXPECT_LT(html.find("data-series=\"home\""), folded);
  EXPECT_GT(html.find("data-series=\"slow-web.bytes\""), folded);
  EXPECT_EQ(count(html, "<rect class=\"fault-window\""), 2u);  // shaded on both charts
  EXPECT_EQ(count(html, "<line class=\"threshold\""), 1u);
  EXPECT_EQ(count(html, "<rect class=\"failed-reading\""), 1u);
  EXPECT_NE(html.find("1 failed reading: connection refused"), std::string::npos);
  EXPECT_NE(html.find("p99_ms \u2264 60"), std::string::npos);
  // The verdict, the reason, the check, the fault's figure and the footer.
  EXPECT_NE(html.find("data-testid=\"verdict\">deviated</span>"), std::string::npos);
  EXPECT_NE(html.find("home p99_ms 160 (expected &lt;= 60)"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"badge o-failed\">failed</span>"), std::string::npos);
  EXPECT_NE(html.find("<th>connections</th><td>12 accepted</td>"), std::string::npos);
  EXPECT_NE(html.find("chaosctl test · report schema chaosctl.report/1"), std::string::npos);
}

TEST(HtmlReport, TheLineBreaksAtTheFailedReadingAndRisesInTheFaultWindow) {
  const std::string html = html_report(report_document(), "");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m,
                                std::regex("data-series=\"home\".*?<path class=\"series\" "
                                           "d=\"([^\"]*)\"")));
  const std::string d = m[1];
  EXPECT_EQ(count(d, "M"), 2u) << d;  // two segments: before and after the failed reading
  EXPECT_EQ(count(d, "L"), 7u) << d;  // 9 readings with a value
  // y grows downwards: the fault's 160 ms readings sit far above the 10 ms ones.
  std::vector<double> ys;
  const std::regex point("[ML](-?[\\d.]+) (-?[\\d.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), point); it != std::sregex_iterator();
       ++it) {
    ys.push_back(std::stod((*it)[2]));
  }
  ASSERT_EQ(ys.size(), 9u);
  EXPECT_LT(ys[3] + 100, ys[0]);
  EXPECT_DOUBLE_EQ(ys[0], ys.back());
}

TEST(HtmlReport, HostileTextStaysTextAndNothingIsFetched) {
  json::object doc = report_document();
  doc["title"] = "</title><script>alert(1)</script>";
  doc["reason"] = "<img src=x onerror=alert(1)>";
  doc["source"] = "</pre><script src=\"https://evil.example/x.js\"></script>";
  doc["samples"].as_array()[0].as_object()["series"] = "\"><script>alert(2)</script>";
  const std::string html = html_report(doc, "");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;/pre&gt;&lt;script"), std::string::npos);
  // Nothing the browser would load: every '<' of the text is escaped, so each <...> is a tag
  // of ours, and none has a src or href, nor is a script, stylesheet link, frame or object;
  // the stylesheet has no url() or @import.
  const std::regex tag("<[^>]*>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    const std::string t = it->str();
    for (const char* fetches : {"src=", "href=", "url(", "<link", "<iframe", "<object", "<embed"}) {
      EXPECT_EQ(t.find(fetches), std::string::npos) << t;
    }
  }
  const size_t style = html.find("<style>");
  ASSERT_NE(style, std::string::npos);
  const std::string css = html.substr(style, html.find("</style>") - style);
  EXPECT_EQ(css.find("url("), std::string::npos);
  EXPECT_EQ(css.find("@import"), std::string::npos);
}

TEST(HtmlReport, ARunWithoutSamplesOrFaultsSaysSo) {
  json::object doc = report_document();
  doc["samples"] = json::array{};
  doc["fault_windows"] = json::array{};
  doc["checks"] = json::array{};
  doc["verdict"] = nullptr;
  doc["state"] = "interrupted";
  doc["pending_recovery"] =
      json::array{{{"fault", "slow-web"}, {"kind", "latency"}, {"reason", "killed"}}};
  const std::string html = html_report(doc, "");
  EXPECT_NE(html.find("no samples were taken"), std::string::npos);
  EXPECT_NE(html.find("no fault was injected"), std::string::npos);
  EXPECT_NE(html.find("no checks were judged"), std::string::npos);
  EXPECT_NE(html.find("data-testid=\"verdict\">interrupted</span>"), std::string::npos);
  EXPECT_NE(html.find("Still injected: pending recovery"), std::string::npos);
  EXPECT_NE(html.find("chaosctl recover"), std::string::npos);
}

TEST(SvgChart, ALongSeriesIsThinnedPerPixelColumnButKeepsItsSpike) {
  Chart chart{.series = "flood.latency_ms", .end_s = 100};
  for (int i = 0; i < 100'000; ++i) {
    chart.points.push_back({.t_s = i / 1000.0, .value = i == 54'321 ? 5000.0 : 10.0 + i % 7});
  }
  const std::string svg = svg_chart(chart);
  EXPECT_NE(svg.find("data-samples=\"100000\""), std::string::npos);
  EXPECT_LT(count(svg, " L"), 2 * 900u);
  EXPECT_LT(svg.size(), 64'000u);
  // The spike is the highest value, so it is drawn at the top of the plot (y 12 + 8 % headroom).
  std::smatch m;
  const std::regex spike(" L(-?[\\d.]+) (2[0-9]\\.[0-9])");
  EXPECT_TRUE(std::regex_search(svg, m, spike)) << svg.substr(0, 400);
}

TEST(Thresholds, AreReadFromEachExpectationForm) {
  auto check = [](const char* aggregate, const char* expectation) {
    return json::object{{"probe", "home"}, {"aggregate", aggregate}, {"expectation", expectation}};
  };
  const json::array checks{
      check("p99_ms", "<= 300"),
      check("p99_ms", "<= 300"),  // the same bound in another phase: drawn once
      check("min", ">= 4"),
      check("mean_ms", "in [1, 1e+04]"),
      check("p50_ms", "<= 1.5x baseline (<= 18.3)"),
      check("p90_ms", "in [0.5x baseline, 2x baseline] (in [5, 20])"),
      check("p95_ms", "<= 1.5x baseline (this is the baseline)"),
      check("error_ratio", "<= 0.01"),
      json::object{{"probe", "other"}, {"aggregate", "max"}, {"expectation", "<= 1"}},
  };
  std::vector<std::string> labels;
  for (const auto& t : thresholds_for("home", checks)) labels.push_back(t.label);
  EXPECT_EQ(labels,
            (std::vector<std::string>{"p99_ms \u2264 300", "min \u2265 4", "mean_ms \u2265 1",
                                      "mean_ms \u2264 10000", "p50_ms \u2264 18.3",
                                      "p90_ms \u2265 5", "p90_ms \u2264 20"}));
}

// Regression: a check without a value (no usable samples, stored as null) made junit_xml
// throw, so `run --junit` and `report --format junit` died instead of writing the file.
TEST(JunitReport, ACheckWithoutAValueReadsNotAvailable) {
  json::object doc = report_document();
  auto& c = doc["checks"].as_array()[0].as_object();
  c["value"] = nullptr;
  c["outcome"] = "inconclusive";
  const std::string xml = junit_xml(doc);
  EXPECT_NE(xml.find("<skipped message=\"inconclusive: p99_ms n/a (expected &lt;= 60)"),
            std::string::npos)
      << xml;
}

}  // namespace
}  // namespace chaos::report
