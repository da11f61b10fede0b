// The chaosctl commands an operator uses around runs: validate, plugins, runs, show — their
// output, --json and exit codes.
#include <boost/json.hpp>

#include "demo_fixture.h"
#include "support/silent_listener.h"
#include "support/test_support.h"

namespace chaos::integration {
namespace {

TEST_F(DemoFixture, ValidateReportsFileAndLineAndExitsNonZero) {
  const std::string exp = write_experiment("bad.lua", R"(experiment {
  title = "x",
  method = { fault "latency" { listen = "127.0.0.1:1", upstream = "127.0.0.1:2",
                               delay = "fast", duration = "1s" } },
})");
  EXPECT_EQ(run_chaosctl({"validate", exp}), 1);
  const std::string out = test::read_file(chaosctl_log_);
  EXPECT_NE(out.find(exp + ":3: latency: delay: expected a duration like \"250ms\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("got \"fast\""), std::string::npos) << out;
}

TEST_F(DemoFixture, ValidateAcceptsEveryBundledExperiment) {
  for (const char* name : {"db_slowdown.lua", "db_tipping_point.lua", "dependency_outage.lua",
                           "guardrail_abort.lua", "pool_exhaustion.lua", "traffic_flood.lua"}) {
    EXPECT_EQ(run_chaosctl({"validate",
                            std::string(CHAOS_SOURCE_DIR) + "/experiments/" + name}),
              0)
        << name << ": " << test::read_file(chaosctl_log_);
    EXPECT_NE(test::read_file(chaosctl_log_).find("valid"), std::string::npos) << name;
  }
}

TEST_F(DemoFixture, UnknownKindIsNamedWithTheLoadedOnes) {
  const std::string exp = write_experiment("kind.lua", R"(experiment {
  title = "x",
  method = { fault "latncy" { duration = "1s" } },
})");
  EXPECT_EQ(run_chaosctl({"validate", exp}), 1);
  const std::string out = test::read_file(chaosctl_log_);
  EXPECT_NE(out.find(exp + ":3: unknown fault kind 'latncy'; did you mean 'latency'? (loaded "
                          "kinds: "),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("proxy, latency"), std::string::npos) << out;
}

TEST_F(DemoFixture, PluginsListsKindsAndParametersFromTheSchema) {
  EXPECT_EQ(run_chaosctl({"plugins", "--json"}), 0);
  auto plugins = parsed_json(test::read_file(chaosctl_log_));
  ASSERT_TRUE(plugins.is_array());
  bool found_delay = false;
  for (const auto& p : plugins.as_array()) {
    for (const auto& k : p.at("kinds").as_array()) {
      if (k.at("name") == "latency") {
        found_delay = k.at("params_schema").at("properties").as_object().contains("delay");
      }
    }
  }
  EXPECT_TRUE(found_delay);
  EXPECT_EQ(run_chaosctl({"plugins"}), 0);
  EXPECT_NE(test::read_file(chaosctl_log_).find("fault kind: latency"), std::string::npos);
}

TEST_F(DemoFixture, RunsAndShowDescribeAStoredRun) {
  start_demo(/*with_shoppers=*/false);
  const std::string exp = write_experiment("ok.lua", R"(experiment {
  title = "Shown later",
  proxies = { db = { listen = "${PROXY}", upstream = "${DB}" } },
  steady_state = {
    http_probe "checkout" { url = "http://${SHOP}/checkout", every = "50ms",
      expect = { p99_ms = 2000 } },
  },
  method = { fault "latency" { proxy = "db", delay = "10ms", duration = "2s" } },
})");
  ASSERT_EQ(run_chaosctl({"run", exp}), 0) << test::read_file(chaosctl_log_);

  EXPECT_EQ(run_chaosctl({"runs", "--json"}), 0);
  auto runs = parsed_json(test::read_file(chaosctl_log_));
  ASSERT_EQ(runs.as_array().size(), 1u);
  EXPECT_EQ(runs.as_array()[0].at("verdict"), "passed");
  EXPECT_EQ(runs.as_array()[0].at("title"), "Shown later");
  const int64_t id = runs.as_array()[0].at("id").as_int64();

  EXPECT_EQ(run_chaosctl({"show", std::to_string(id), "--json"}), 0);
  auto run = parsed_json(test::read_file(chaosctl_log_));
  EXPECT_EQ(run.at("verdict"), "passed");
  EXPECT_NE(run.at("source").as_string().find("Shown later"), std::string::npos);
  EXPECT_GT(run.at("events").as_array().size(), 5u);
  EXPECT_FALSE(run.at("checks").as_array().empty());

  EXPECT_EQ(run_chaosctl({"runs"}), 0);
  EXPECT_NE(test::read_file(chaosctl_log_).find("passed"), std::string::npos);
  EXPECT_EQ(run_chaosctl({"show", std::to_string(id)}), 0);
  const std::string shown = test::read_file(chaosctl_log_);
  EXPECT_NE(shown.find("timeline:"), std::string::npos);
  EXPECT_NE(shown.find("fault_start"), std::string::npos);
  EXPECT_NE(shown.find("probe results:"), std::string::npos);

  EXPECT_EQ(run_chaosctl({"show", "999"}), 1);
  EXPECT_EQ(run_chaosctl({"show", "abc"}), 64);
}

TEST_F(DemoFixture, BadCommandLinesExit64) {
  EXPECT_EQ(run_chaosctl({"frobnicate"}), 64);
  EXPECT_EQ(run_chaosctl({"run"}), 64);
  EXPECT_EQ(run_chaosctl({"--bogus", "runs"}), 64);
  EXPECT_EQ(run_chaosctl({"run", "/nonexistent.lua"}), 4);
}

// A password parameter (schema writeOnly) reaches the plugin but never the terminal, the
// journal, `show` or `validate`: "<redacted>" stands in its place.
TEST_F(DemoFixture, WriteOnlyParametersAreRedactedEverywhereTheyWouldBeShown) {
  const std::string secret = "hunter2-do-not-print";
  test::SilentListener postgres;  // takes the connection, never answers: the fault just waits
  ASSERT_NE(postgres.port(), 0);
  const std::string exp = write_experiment("secret.lua", R"(local password = ")" + secret + R"("
experiment {
  title = "redaction",
  method = { fault "pool_exhaustion" { target = ")" + postgres.address() + R"(", mode = "postgres",
                                       password = password, connections = 1, duration = "300ms" } },
})");
  ASSERT_EQ(run_chaosctl({"validate", "--json", exp}), 0) << test::read_file(chaosctl_log_);
  std::string printed = test::read_file(chaosctl_log_);
  ASSERT_EQ(run_chaosctl({"run", exp}), 0) << test::read_file(chaosctl_log_);
  printed += test::read_file(chaosctl_log_);
  EXPECT_EQ(printed.find(secret), std::string::npos) << printed;
  // What `show` and the web UI read: the events. (The source is stored as it was written.)
  auto store = open_store();
  auto events = store->events(1);
  ASSERT_TRUE(events);
  bool saw_start = false;
  for (const auto& e : events.value()) {
    EXPECT_EQ(e.message.find(secret), std::string::npos) << e.kind << ": " << e.message;
    EXPECT_EQ(e.detail_json.find(secret), std::string::npos) << e.kind << ": " << e.detail_json;
    if (e.kind == "fault_start") {
      saw_start = true;
      EXPECT_NE(e.message.find("password=<redacted>"), std::string::npos) << e.message;
    }
  }
  EXPECT_TRUE(saw_start);
  EXPECT_NE(printed.find("<redacted>"), std::string::npos) << printed;
  // What the plugin logged as it stopped is in the journal too.
  EXPECT_TRUE(std::any_of(events->begin(), events->end(), [](const store::EventRecord& e) {
    return e.kind == "plugin_log" && e.message.find("released") != std::string::npos;
  })) << "no 'released' log after stop";
}

}  // namespace
}  // namespace chaos::integration
