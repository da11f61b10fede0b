// `chaosctl serve --schedule`: a real chaosctl process starts runs on a cron schedule (a
// seconds field keeps the test short), reports them at /api/v1/schedules, and refuses a bad
// schedule at start-up, naming the field.
#include <boost/json.hpp>
#include <regex>

#include "server_fixture.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::server {
namespace {

namespace json = boost::json;

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";

std::optional<unsigned short> served_port(test::ChildProcess& serve) {
  std::optional<unsigned short> port;
  test::wait_for([&] {
    std::smatch m;
    const std::string log = serve.log();
    if (std::regex_search(log, m, std::regex(R"(serving http://127\.0\.0\.1:(\d+)/)"))) {
      port = static_cast<unsigned short>(std::stoi(m[1]));
    }
    return port.has_value() || serve.exited();
  });
  return port;
}

TEST(ScheduleTest, ServeStartsRunsOnTheScheduleAndReportsThem) {
  test::TempDir dir;
  const std::string experiment = dir.file("tick.lua");
  test::write_file(experiment, "experiment { title = 'tick', method = function() end }\n");
  test::ChildProcess serve(kChaosctl,
                           {"--db", dir.file("chaos.db"), "serve", "--listen", "127.0.0.1:0",
                            "--token", "t0123456789", "--schedule", "*/2 * * * * * " + experiment},
                           dir.file("serve.log"));
  const auto port = served_port(serve);
  ASSERT_TRUE(port) << serve.log();
  EXPECT_NE(serve.log().find("schedule '*/2 * * * * *' runs " + experiment + "; next at "),
            std::string::npos)
      << serve.log();

  json::value schedules;
  ASSERT_TRUE(test::wait_for(
      [&] {
        schedules = json::parse(http(*port, "GET", "/api/v1/schedules").body);
        return schedules.at("schedules").as_array()[0].at("runs_started").as_int64() >= 2;
      },
      std::chrono::seconds(20)))
      << json::serialize(schedules) << "\n" << serve.log();
  const auto& s = schedules.at("schedules").as_array()[0].as_object();
  EXPECT_EQ(s.at("cron").as_string(), "*/2 * * * * *");
  EXPECT_EQ(s.at("experiment").as_string(), experiment);
  EXPECT_GT(s.at("next_unix_ms").as_int64(), s.at("last_fired_unix_ms").as_int64());
  EXPECT_EQ(schedules.at("timezone").as_string(), "UTC");

  // The runs it started are ordinary runs, with their verdicts.
  const std::string last = std::to_string(s.at("last_run_id").as_int64());
  ASSERT_TRUE(test::wait_for([&] {
    const json::value run = json::parse(http(*port, "GET", "/api/v1/runs/" + last).body);
    return run.at("verdict").is_string() && run.at("verdict").as_string() == "passed";
  })) << http(*port, "GET", "/api/v1/runs/" + last).body;
  const json::value runs = json::parse(http(*port, "GET", "/api/v1/runs?experiment=" + experiment).body);
  EXPECT_GE(runs.at("total").as_int64(), 2);
  // Listed with the experiments the server can start.
  EXPECT_NE(http(*port, "GET", "/api/v1/experiments").body.find(experiment), std::string::npos);
  serve.stop();
}

TEST(ScheduleTest, ABadScheduleStopsServeAtStartNamingTheProblem) {
  test::TempDir dir;
  const std::string experiment = dir.file("tick.lua");
  test::write_file(experiment, "experiment { title = 'tick', method = function() end }\n");
  const std::string bad_experiment = dir.file("bad.lua");
  test::write_file(bad_experiment, "experiment { titel = 'x' }\n");
  struct Case {
    std::string schedule;
    std::string expected;
  };
  const Case cases[] = {
      {"0 25 * * * " + experiment, "hour: 25 is out of range 0-23"},
      {"0 0 30 2 * " + experiment, "never fires"},
      {experiment, "expected \"CRON FILE\""},
      {"0 9 * * mon " + dir.file("missing.lua"), "cannot read"},
      {"0 9 * * mon " + bad_experiment, "titel"},
  };
  for (const Case& c : cases) {
    test::ChildProcess serve(kChaosctl,
                             {"--db", dir.file("chaos.db"), "serve", "--listen", "127.0.0.1:0",
                              "--schedule", c.schedule},
                             dir.file("serve.log"));
    EXPECT_EQ(serve.wait_exit(std::chrono::seconds(20)), 64) << c.schedule << "\n" << serve.log();
    EXPECT_NE(serve.log().find(c.expected), std::string::npos) << serve.log();
  }
}

}  // namespace
}  // namespace chaos::server
