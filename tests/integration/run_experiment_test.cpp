// Real experiments through the real chaosctl binary against the demo system over loopback:
// the stored verdict and events, rollback on every exit path, and the exit codes.
#include <signal.h>

#include <algorithm>

#include "demo_fixture.h"
#include "support/test_support.h"

namespace chaos::integration {
namespace {

// Index of the first event of `kind` (at or after `from`), or -1.
int index_of(const std::vector<std::string>& kinds, const std::string& kind, size_t from = 0) {
  auto it = std::find(kinds.begin() + static_cast<long>(from), kinds.end(), kind);
  return it == kinds.end() ? -1 : static_cast<int>(it - kinds.begin());
}

// The probe is sequential and a checkout through the slow db takes 500-650 ms, so 4 s of fault
// gave 7 to 16 samples: fewer than the default 10 made the injecting window inconclusive. Five
// seconds with min_samples 5 leaves room for the slowest case (about 8 samples).
const char* kSlowDatabase = R"(
experiment {
  title = "Checkout under a slow database",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "100ms", min_samples = 5,
      expect = { p99_ms = { max = 300 }, error_ratio = { max = 0.01 } } },
  },
  method = { fault "latency" { proxy = "db", delay = "250ms", jitter = "50ms", duration = "5s" } },
  recovery = { within = "15s" },
})";

TEST_F(DemoFixture, SlowDatabaseFillsThePoolAndTheRunDeviates) {
  start_demo(/*with_shoppers=*/true);
  const std::string exp = write_experiment("slow.lua", kSlowDatabase);
  EXPECT_EQ(run_chaosctl({"run", exp}), 1) << test::read_file(chaosctl_log_);

  auto store = open_store();
  auto runs = store->list_runs(10, 0);
  ASSERT_TRUE(runs.is_ok());
  ASSERT_EQ(runs->size(), 1u);
  const auto& run = runs->front();
  EXPECT_EQ(run.verdict, "deviated");
  EXPECT_NE(run.reason.find("'checkout' broke its tolerance while the faults were on"),
            std::string::npos);
  EXPECT_EQ(run.title, "Checkout under a slow database");
  EXPECT_EQ(run.source_sha256.size(), 64u);
  EXPECT_NE(run.plugins_json.find("\"network\""), std::string::npos);

  // The journal: phases in order, the fault stopped after it started, recovery measured.
  auto kinds = event_kinds(*store, run.id);
  const int start = index_of(kinds, "fault_start");
  const int stop = index_of(kinds, "fault_stop");
  ASSERT_GE(start, 0);
  EXPECT_GT(stop, start);
  EXPECT_GE(index_of(kinds, "recovered", stop), 0);
  EXPECT_EQ(kinds.back(), "verdict");

  auto checks = store->checks(run.id);
  ASSERT_TRUE(checks.is_ok());
  auto outcome_of = [&](const std::string& phase, const std::string& aggregate) {
    for (const auto& c : checks.value()) {
      if (c.phase == phase && c.aggregate == aggregate) return c.outcome;
    }
    return std::string("missing");
  };
  EXPECT_EQ(outcome_of("baseline", "p99_ms"), "ok");
  EXPECT_EQ(outcome_of("injecting", "error_ratio"), "failed");  // the pool ran dry
  EXPECT_EQ(outcome_of("recovering", "p99_ms"), "ok");
  auto samples = store->samples(run.id);
  ASSERT_TRUE(samples.is_ok());
  EXPECT_GT(std::count_if(samples->begin(), samples->end(),
                          [](const auto& s) { return s.series == "checkout"; }),
            30);
}

TEST_F(DemoFixture, ToleratedFaultPasses) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("mild.lua", R"(
experiment {
  title = "A little latency is fine",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms",
      expect = { p99_ms = { max = 1000 }, error_ratio = { max = 0.01 } } },
  },
  method = { fault "latency" { proxy = "db", delay = "20ms", duration = "1s" } },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 0) << test::read_file(chaosctl_log_);
  auto runs = open_store()->list_runs(1, 0);
  ASSERT_TRUE(runs.is_ok());
  EXPECT_EQ(runs->front().verdict, "passed");
}

TEST_F(DemoFixture, FailingBaselineInjectsNothing) {
  start_demo(/*with_shoppers=*/false);
  // No proxy is declared, so nothing forwards the shop's db port: checkout answers 502.
  const std::string exp = write_experiment("broken.lua", R"(
experiment {
  title = "Baseline that cannot hold",
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms",
      expect = { error_ratio = { max = 0.01 } } },
  },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "${DB}", delay = "1s",
                               duration = "1s" } },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 2) << test::read_file(chaosctl_log_);
  auto store = open_store();
  auto run = store->list_runs(1, 0).value().front();
  EXPECT_EQ(run.verdict, "not_steady");
  auto kinds = event_kinds(*store, run.id);
  EXPECT_EQ(index_of(kinds, "fault_start"), -1);
}

// A failure validation cannot foresee: mid-method, a second fault cannot start (its port is
// taken), which raises a Lua error at the script's line. The first fault is rolled back, and
// the proxy stops delaying: the recovery samples, taken through the same proxy, are far faster
// than the injected delay.
TEST_F(DemoFixture, ErrorMidMethodRollsTheFaultBack) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("error.lua", R"(experiment {
  title = "A script that fails while a fault is on",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms",
      expect = { p99_ms = { max = 5000 } } },
  },
  method = function()
    chaos.inject("latency", { proxy = "db", delay = "400ms" })
    chaos.sleep("1s")
    chaos.inject("latency", { listen = "${SHOP}", upstream = "${DB}", delay = "1s" })
  end,
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 4) << test::read_file(chaosctl_log_);
  auto store = open_store();
  auto run = store->list_runs(1, 0).value().front();
  EXPECT_EQ(run.verdict, "errored");
  EXPECT_NE(run.reason.find("error.lua:11: latency start"), std::string::npos) << run.reason;
  auto kinds = event_kinds(*store, run.id);
  EXPECT_GT(index_of(kinds, "fault_stop", index_of(kinds, "error")), index_of(kinds, "error"));

  auto samples = store->samples(run.id).value();
  int slow_while_injecting = 0, recovering = 0, slow_after = 0;
  for (const auto& s : samples) {
    if (s.series != "checkout") continue;
    if (s.phase == "injecting" && s.value >= 400) ++slow_while_injecting;
    if (s.phase == "recovering") {
      ++recovering;
      if (s.value >= 400) ++slow_after;
    }
  }
  EXPECT_GT(slow_while_injecting, 0);  // the fault was really on
  EXPECT_GE(recovering, 10);
  EXPECT_LE(slow_after, 1);  // at most the one request in flight at rollback
}

class SignalTest : public DemoFixture, public ::testing::WithParamInterface<int> {};

TEST_P(SignalTest, SignalDuringInjectionAbortsAndRollsBack) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("long.lua", R"(
experiment {
  title = "A long fault the operator stops",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms",
      expect = { p99_ms = { max = 5000 } } },
  },
  method = { fault "latency" { proxy = "db", delay = "300ms", duration = "60s" } },
})");
  auto chaosctl = start_chaosctl({"run", exp});
  // Wait until the fault is journaled as started, then signal.
  ASSERT_TRUE(test::wait_for(
      [&] { return test::read_file(chaosctl_log_).find("start latency") != std::string::npos; },
      std::chrono::seconds(30)))
      << test::read_file(chaosctl_log_);
  ASSERT_EQ(kill(chaosctl->pid(), GetParam()), 0);
  auto code = chaosctl->wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "chaosctl did not stop after the signal";
  EXPECT_EQ(*code, 3);

  auto store = open_store();
  auto run = store->list_runs(1, 0).value().front();
  EXPECT_EQ(run.verdict, "aborted");
  EXPECT_NE(run.reason.find(std::string("SIG") + sigabbrev_np(GetParam())), std::string::npos)
      << run.reason;
  auto kinds = event_kinds(*store, run.id);
  const int abort = index_of(kinds, "abort");
  ASSERT_GE(abort, 0);
  EXPECT_GT(index_of(kinds, "fault_stop", abort), abort);
  EXPECT_GE(index_of(kinds, "proxy_stop", abort), 0);
}

INSTANTIATE_TEST_SUITE_P(Signals, SignalTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP, SIGQUIT),
                         [](const auto& info) { return std::string("SIG") + sigabbrev_np(info.param); });

}  // namespace
}  // namespace chaos::integration

namespace chaos::integration {
namespace {

// A controller killed with SIGKILL cannot roll back; the next `chaosctl run` finds its run
// still "running", sees its process is gone, and marks it interrupted.
TEST_F(DemoFixture, NextRunReconcilesARunWhoseControllerDied) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("long.lua", R"(
experiment {
  title = "Killed mid-fault",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  method = { fault "latency" { proxy = "db", delay = "10ms", duration = "60s" } },
})");
  auto killed = start_chaosctl({"run", exp});
  ASSERT_TRUE(test::wait_for(
      [&] { return test::read_file(chaosctl_log_).find("start latency") != std::string::npos; },
      std::chrono::seconds(30)));
  ASSERT_EQ(kill(killed->pid(), SIGKILL), 0);
  killed->wait_exit(std::chrono::seconds(10));
  EXPECT_EQ(open_store()->list_runs(1, 0).value().front().state, "running");

  const std::string quick = write_experiment("quick.lua",
                                             "experiment { title = 'q', method = function() end }");
  EXPECT_EQ(run_chaosctl({"run", quick}), 0) << test::read_file(chaosctl_log_);
  EXPECT_NE(test::read_file(chaosctl_log_).find("marked interrupted"), std::string::npos);
  auto store = open_store();
  auto first = store->get_run(1);
  ASSERT_TRUE(first.is_ok());
  EXPECT_EQ(first->state, "interrupted");
  auto kinds = event_kinds(*store, 1);
  EXPECT_EQ(kinds.back(), "interrupted");
}

}  // namespace
}  // namespace chaos::integration

namespace chaos::integration {
namespace {

// A guardrail breaks while the database is slow: the run aborts on the spot, the fault is
// rolled back (checkout is fast again through the same proxy), and the abort latency and the
// time to recover are recorded.
TEST_F(DemoFixture, BrokenGuardrailAbortsAndRollsBackAtOnce) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("guardrail.lua", R"(
experiment {
  title = "Stop before users notice",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms",
      expect = { p99_ms = { max = "20x baseline" } } },
  },
  guardrails = {
    http_probe "checkout latency" { url = "http://${SHOP}/checkout", every = "50ms",
      window = "1s", min_samples = 2, expect = { p99_ms = 150 } },
  },
  method = { fault "latency" { proxy = "db", delay = "300ms", duration = "60s" } },
})");
  EXPECT_EQ(run_chaosctl({"run", exp}), 3) << test::read_file(chaosctl_log_);
  auto store = open_store();
  auto run = store->list_runs(1, 0).value().front();
  EXPECT_EQ(run.verdict, "aborted");
  EXPECT_NE(run.reason.find("guardrail 'checkout latency' broke (p99_ms"), std::string::npos)
      << run.reason;
  EXPECT_NE(run.summary_json.find("\"abort_latency_ms\":"), std::string::npos);
  EXPECT_EQ(run.summary_json.find("\"abort_latency_ms\":null"), std::string::npos)
      << run.summary_json;
  EXPECT_EQ(run.summary_json.find("\"time_to_recover_ms\":null"), std::string::npos)
      << run.summary_json;

  auto kinds = event_kinds(*store, run.id);
  const int abort = index_of(kinds, "abort");
  ASSERT_GE(abort, 0);
  EXPECT_GT(index_of(kinds, "fault_stop", abort), abort);
  EXPECT_GT(index_of(kinds, "abort_latency", abort), index_of(kinds, "fault_stop", abort));

  int recovering = 0, slow_after = 0;
  for (const auto& s : store->samples(run.id).value()) {
    if (s.series != "checkout" || s.phase != "recovering") continue;
    ++recovering;
    if (s.value >= 300) ++slow_after;
  }
  EXPECT_GE(recovering, 10);
  EXPECT_LE(slow_after, 1);  // at most the request in flight when the fault stopped

  EXPECT_EQ(run_chaosctl({"show", std::to_string(run.id)}), 0);
  EXPECT_NE(test::read_file(chaosctl_log_).find("every fault stopped"), std::string::npos);
}

}  // namespace
}  // namespace chaos::integration
