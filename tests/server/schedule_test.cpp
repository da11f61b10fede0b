// `chaosctl serve --schedule`: a real chaosctl process starts runs on a cron schedule (a
// seconds field keeps the test short), reports them at /api/v1/schedules, and refuses a bad
// schedule at start-up, naming the field.
#include <boost/json.hpp>

#include "server_fixture.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::server {
namespace {

namespace json = boost::json;

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";

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

TEST(ScheduleTest, BadSchedulingFlagsStopServeAtStartNamingTheProblem) {
  test::TempDir dir;
  const std::string experiment = dir.file("tick.lua");
  test::write_file(experiment, "experiment { title = 'tick', method = function() end }\n");
  const std::string bad_experiment = dir.file("bad.lua");
  test::write_file(bad_experiment, "experiment { titel = 'x' }\n");
  const std::string bad_file = dir.file("gameday.conf");
  test::write_file(bad_file,
                   "# ok so far\nblackout Sat 00:00-Mon 00:00\nblackout Fri 16:00-Mon 8\n");
  struct Case {
    std::string flag;
    std::string value;
    std::string expected;
  };
  const Case cases[] = {
      {"--schedule", "0 25 * * * " + experiment, "hour: 25 is out of range 0-23"},
      {"--schedule", "0 0 30 2 * " + experiment, "never fires"},
      {"--schedule", experiment, "expected \"[TZ=ZONE] CRON FILE [OPTION=VALUE]...\""},
      {"--schedule", "0 9 * * mon " + dir.file("missing.lua"), "cannot read"},
      {"--schedule", "0 9 * * mon " + bad_experiment, "titel"},
      {"--schedule", "TZ=Europe/Berln 0 9 * * mon " + experiment,
       "time zone: 'Europe/Berln' is not in the system's time-zone database"},
      {"--schedule", "0 9 * * mon " + experiment + " notify=ftp://x", "notify: 'ftp://x' is not"},
      {"--blackout", "Fri 16:00-Mon 25:00",
       "--blackout: 'Fri 16:00-Mon 25:00': end time: '25:00' is not a time"},
      {"--max-run", "0s", "--max-run: '0s' must be more than zero"},
      {"--schedule-file", dir.file("missing.conf"), "--schedule-file: "},
      {"--schedule-file", bad_file,
       bad_file + ":3: blackout: 'Fri 16:00-Mon 8': end time: '8' is not a time"},
  };
  for (const Case& c : cases) {
    test::ChildProcess serve(
        kChaosctl,
        {"--db", dir.file("chaos.db"), "serve", "--listen", "127.0.0.1:0", c.flag, c.value},
        dir.file("serve.log"));
    EXPECT_EQ(serve.wait_exit(std::chrono::seconds(20)), 64) << c.value << "\n" << serve.log();
    EXPECT_NE(serve.log().find(c.expected), std::string::npos) << serve.log();
  }
}

}  // namespace
}  // namespace chaos::server
