// What every probe kind checks in create() — so `validate` refuses what `run` would — and the
// cancel that lets a run end while a probe waits on a dependency that never answers
// (issue 17.5: timeout = "0s" meant no timeout, and a run hung past baseline.timeout and
// SIGTERM).

#include "probes/probe_checks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "probes/http_probe.h"
#include "probes/probe_runner.h"
#include "probes/prometheus_probe.h"
#include "probes/scrape_probe.h"
#include "support/silent_listener.h"

namespace chaos::probes {
namespace {

using namespace std::chrono_literals;

std::string url_error(const std::string& url) {
  const Status st = check_probe_url(url);
  return st ? "ok" : st.message();
}

TEST(ProbeChecks, UrlsNeedASchemeAndAHost) {
  EXPECT_EQ(url_error("http://127.0.0.1:8080/health"), "ok");
  EXPECT_EQ(url_error("https://[::1]:9090/"), "ok");
  EXPECT_EQ(url_error("http://localhost/metrics?x=1"), "ok");
  EXPECT_EQ(url_error("http://"),
            "'http://' has no host; expected a URL like http://127.0.0.1:8080/health");
  EXPECT_EQ(url_error("https://"),
            "'https://' has no host; expected a URL like http://127.0.0.1:8080/health");
  EXPECT_EQ(url_error("ftp://x"), "'ftp://x' must start with http:// or https://");
  EXPECT_EQ(url_error("127.0.0.1:8080"), "'127.0.0.1:8080' must start with http:// or https://");
  for (const char* bad :
       {"http:///health", "http://:8080/", "http://127.0.0.1:99999/", "http://exa mple/"}) {
    EXPECT_NE(url_error(bad), "ok") << bad;
  }
}

TEST(ProbeChecks, TimeoutsUnderAMillisecondAreRefused) {
  EXPECT_TRUE(check_probe_timeout(1ms));
  EXPECT_TRUE(check_probe_timeout(std::chrono::hours(1)));
  EXPECT_EQ(check_probe_timeout(0us).message(),
            "'0ms' is too short; the shortest timeout is 1ms (libcurl counts milliseconds, and "
            "would take less as no timeout at all)");
  EXPECT_FALSE(check_probe_timeout(999us));
}

TEST(ProbeChecks, EveryKindRefusesANoHostUrlAndAZeroTimeout) {
  HttpProbeConfig http{.url = "http://"};
  EXPECT_EQ(HttpProbe::create(http).status().message(),
            "http probe: url: 'http://' has no host; expected a URL like "
            "http://127.0.0.1:8080/health");
  http = {.url = "http://127.0.0.1:1/", .timeout = 0us};
  EXPECT_EQ(HttpProbe::create(http).status().message().rfind("http probe: timeout: '0ms'", 0), 0u);
  ScrapeProbeConfig scrape{.url = "http://", .metric = "up"};
  EXPECT_EQ(ScrapeProbe::create(scrape).status().message().rfind("scrape probe: url: 'http://' "
                                                                 "has no host",
                                                                 0),
            0u);
  scrape = {.url = "http://127.0.0.1:1/metrics", .metric = "up", .timeout = 500us};
  EXPECT_EQ(ScrapeProbe::create(scrape).status().message().rfind("scrape probe: timeout:", 0), 0u);
  PrometheusProbeConfig prom{.url = "https://", .query = "up"};
  EXPECT_EQ(PrometheusProbe::create(prom).status().message().rfind(
                "prometheus probe: url: 'https://' has no host", 0),
            0u);
  prom = {.url = "http://127.0.0.1:9090", .query = "up", .timeout = 0us};
  EXPECT_EQ(PrometheusProbe::create(prom).status().message().rfind("prometheus probe: timeout:", 0),
            0u);
}

// A probe runner over a probe whose dependency never answers, with a timeout of an hour: stop
// must cut the sample short and deliver nothing.
void expect_stop_is_prompt(std::unique_ptr<Probe> probe, const test::SilentListener& silent) {
  SystemClock clock;
  std::atomic<int> delivered{0};
  ProbeRunner runner(std::move(probe), 10ms, clock, [&](const ProbeSample&) { ++delivered; });
  runner.start();
  ASSERT_TRUE(silent.wait_for_client(5000)) << "the probe never connected";
  const auto before = std::chrono::steady_clock::now();
  runner.stop();
  const auto took = std::chrono::steady_clock::now() - before;
  EXPECT_LT(took, 2s) << "stop waited for the probe's timeout";
  EXPECT_EQ(delivered.load(), 0) << "a cancelled sample is not a reading";
}

TEST(ProbeCancel, AnHttpProbeWaitingOnASilentServerStopsAtOnce) {
  test::SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  auto probe = HttpProbe::create(
      {.url = "http://" + silent.address() + "/health", .timeout = std::chrono::hours(1)});
  ASSERT_TRUE(probe) << probe.status().message();
  expect_stop_is_prompt(std::move(probe.value()), silent);
}

TEST(ProbeCancel, AScrapeProbeWaitingOnASilentServerStopsAtOnce) {
  test::SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  auto probe = ScrapeProbe::create({.url = "http://" + silent.address() + "/metrics",
                                    .metric = "up",
                                    .timeout = std::chrono::hours(1)});
  ASSERT_TRUE(probe) << probe.status().message();
  expect_stop_is_prompt(std::move(probe.value()), silent);
}

TEST(ProbeCancel, ACancelledProbeSaysSoAndNeverWaitsAgain) {
  test::SilentListener silent;
  auto probe = HttpProbe::create(
      {.url = "http://" + silent.address() + "/", .timeout = std::chrono::hours(1)});
  ASSERT_TRUE(probe);
  probe.value()->cancel();
  SystemClock clock;
  const auto before = std::chrono::steady_clock::now();
  const ProbeSample s = probe.value()->sample(clock);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.error, "cancelled: the run is ending");
}

}  // namespace
}  // namespace chaos::probes
