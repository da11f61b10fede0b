// Sweeps through the real chaosctl against the demo shop (a pool of 4 database connections
// behind a chaosctl proxy, 6 shoppers): the latency on the database path is raised step by
// step, live, until checkout breaks its tolerance. The stored steps, `show` and the JSON report
// (valid against its schema) agree on the tipping point; the first bad step really broke and
// the last good one really held; the fault is gone after the run.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "demo_fixture.h"
#include "schema/json_schema.h"
#include "support/test_support.h"

namespace chaos::integration {
namespace {

// Factor 2 from 10ms: 10, 20, 40, 80, 160, 320, 400ms. Each step is held 2 s and its first
// 300 ms are left out of the judgement (the pool drains its queue after an update).
const char* kLatencySweep = R"(
experiment {
  title = "Where does checkout tip over as the database slows?",
  seed = 7,
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "100ms",
      expect = { p99_ms = { max = 250 }, error_ratio = { max = 0.05 } } },
  },
  method = sweep {
    fault = fault "latency" { proxy = "db", name = "slow-db" },
    param = "delay", from = "10ms", to = "400ms", factor = 2,
    hold = "2s", settle = "300ms",
  },
  recovery = { within = "15s" },
})";

TEST_F(DemoFixture, LatencySweepFindsTheTippingPointAndStopsThere) {
  start_demo(/*with_shoppers=*/true);
  const std::string exp = write_experiment("sweep.lua", kLatencySweep);
  EXPECT_EQ(run_chaosctl({"run", exp}), 1) << test::read_file(chaosctl_log_);

  auto store = open_store();
  auto runs = store->list_runs(1, 0);
  ASSERT_TRUE(runs.is_ok() && runs->size() == 1u);
  const auto& run = runs->front();
  EXPECT_EQ(run.verdict, "deviated");
  EXPECT_NE(run.reason.find("sweep of latency 'slow-db' delay: "), std::string::npos)
      << run.reason;

  // The steps as stored: every one before the last held, the last broke, and the sweep
  // stopped there (no step after the first broken one).
  auto steps = store->sweep_steps(run.id);
  ASSERT_TRUE(steps.is_ok()) << steps.status().message();
  ASSERT_GE(steps->size(), 2u) << "the tipping point should be above 10ms of latency";
  const std::vector<std::string> all = {"10ms", "20ms", "40ms", "80ms", "160ms", "320ms",
                                        "400ms"};
  for (size_t i = 0; i < steps->size(); ++i) {
    const auto& s = steps.value()[i];
    EXPECT_EQ(s.step, static_cast<int64_t>(i + 1));
    EXPECT_EQ(s.magnitude, all[i]);
    EXPECT_EQ(s.fault, "slow-db");
    EXPECT_EQ(s.param, "delay");
    EXPECT_EQ(s.unit, "ms");
    EXPECT_GE(s.to_unix_ms - s.from_unix_ms, 1600) << "2 s hold less 300 ms settle";
    EXPECT_EQ(s.outcome, i + 1 < steps->size() ? "held" : "broke") << s.reason;
    // The fault's own status at the end of the step says the delay in force.
    EXPECT_NE(s.status_json.find("\"kind\":\"latency\""), std::string::npos) << s.status_json;
  }
  const auto& bad = steps->back();
  const auto& good = steps.value()[steps->size() - 2];
  std::printf("[ observed ] tipping point: held at %s, broke at %s (%s)\n",
              good.magnitude.c_str(), bad.magnitude.c_str(), bad.reason.c_str());

  // The first bad step broke and the last good one held: each check judged over that step's
  // window alone, against the tolerance it declares.
  auto checks_of = [](const store::SweepStepRecord& s) {
    return parsed_json(s.checks_json).as_array();
  };
  bool bad_broke = false;
  for (const auto& c : checks_of(bad)) {
    const auto& check = c.as_object();
    EXPECT_GE(check.at("samples").as_int64(), 10) << c;
    if (check.at("outcome") != "failed") continue;
    bad_broke = true;
    const double value = check.at("value").to_number<double>();
    if (check.at("aggregate") == "p99_ms") {
      EXPECT_GT(value, 250) << c;
    }
    if (check.at("aggregate") == "error_ratio") {
      EXPECT_GT(value, 0.05) << c;
    }
  }
  EXPECT_TRUE(bad_broke) << bad.checks_json;
  for (const auto& c : checks_of(good)) {
    const auto& check = c.as_object();
    EXPECT_EQ(check.at("outcome"), "ok") << c;
    const double value = check.at("value").to_number<double>();
    if (check.at("aggregate") == "p99_ms") {
      EXPECT_LE(value, 250) << c;
    }
    if (check.at("aggregate") == "error_ratio") {
      EXPECT_LE(value, 0.05) << c;
    }
  }

  // The fault was updated live (one start, one stop, an update per step after the first).
  auto events = store->events(run.id);
  ASSERT_TRUE(events.is_ok());
  int starts = 0, stops = 0, updates = 0;
  for (const auto& e : events.value()) {
    starts += e.kind == "fault_start";
    stops += e.kind == "fault_stop";
    updates += e.kind == "fault_update";
  }
  EXPECT_EQ(starts, 1);
  EXPECT_EQ(stops, 1);
  EXPECT_EQ(updates, static_cast<int>(steps->size()) - 1);

  // show: the step table and the tipping point line.
  auto show = start_chaosctl({"show", std::to_string(run.id)});
  ASSERT_EQ(show->wait_exit(std::chrono::seconds(20)).value_or(-1), 0);
  const std::string text = test::read_file(chaosctl_log_);
  EXPECT_NE(text.find("sweep 1: delay of latency 'slow-db'"), std::string::npos) << text;
  EXPECT_NE(text.find("checkout p99_ms"), std::string::npos) << text;
  EXPECT_NE(text.find("BROKE"), std::string::npos) << text;
  EXPECT_NE(text.find("tipping point: held at " + good.magnitude + ", broke at " + bad.magnitude),
            std::string::npos)
      << text;

  // The JSON report: valid against its schema, with the same tipping point.
  auto json = start_chaosctl({"show", std::to_string(run.id), "--json"});
  ASSERT_EQ(json->wait_exit(std::chrono::seconds(20)).value_or(-1), 0);
  const boost::json::value report = parsed_json(test::read_file(chaosctl_log_));
  auto schema = schema::JsonSchema::parse(
      test::read_file(std::string(CHAOS_SOURCE_DIR) + "/web/schemas/report-1.schema.json"));
  ASSERT_TRUE(schema.is_ok()) << schema.status().message();
  const auto errors = schema->errors(report);
  EXPECT_TRUE(errors.empty()) << errors.front();
  const auto& sweeps = report.at("sweeps").as_array();
  ASSERT_EQ(sweeps.size(), 1u);
  const auto& sweep = sweeps[0].as_object();
  EXPECT_EQ(sweep.at("result"), "broke");
  EXPECT_EQ(sweep.at("tipping_point").at("last_good"), good.magnitude.c_str());
  EXPECT_EQ(sweep.at("tipping_point").at("first_bad"), bad.magnitude.c_str());
  EXPECT_EQ(sweep.at("steps").as_array().size(), steps->size());
}

}  // namespace
}  // namespace chaos::integration
