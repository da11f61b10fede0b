// serve's schedule configuration: "CRON FILE [OPTION=VALUE]..." with per-schedule max-run and
// notify URLs, --blackout and --max-run, and the schedule file with file:line errors.
#include "scheduler/schedule_config.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace chaos::scheduler {
namespace {

TEST(ScheduleConfig, ASchedulesOptionsFollowItsFile) {
  auto s = parse_schedule(
      "TZ=Europe/Berlin 0 14 * * wed experiments/db_slowdown.lua max-run=45m "
      "notify=http://127.0.0.1:9/all notify-start=http://127.0.0.1:9/start "
      "notify-verdict=https://hooks.example.test/verdict");
  ASSERT_TRUE(s) << s.status().message();
  EXPECT_EQ(s->experiment, "experiments/db_slowdown.lua");
  EXPECT_EQ(s->cron.expression(), "TZ=Europe/Berlin 0 14 * * wed");
  EXPECT_EQ(s->cron.time_zone().name(), "Europe/Berlin");
  EXPECT_EQ(s->options.max_run_ms, 45 * 60 * 1000);
  EXPECT_EQ(s->options.notify_firing,
            (std::vector<std::string>{"http://127.0.0.1:9/all", "http://127.0.0.1:9/start"}));
  EXPECT_EQ(
      s->options.notify_verdict,
      (std::vector<std::string>{"http://127.0.0.1:9/all", "https://hooks.example.test/verdict"}));
  // No options: as before.
  auto plain = parse_schedule("*/30 9-17 * * mon-fri experiments/dependency_outage.lua");
  ASSERT_TRUE(plain) << plain.status().message();
  EXPECT_EQ(plain->experiment, "experiments/dependency_outage.lua");
  EXPECT_FALSE(plain->options.max_run_ms);
  EXPECT_TRUE(plain->options.notify_firing.empty());
}

TEST(ScheduleConfig, BadSchedulesNameThePart) {
  const std::pair<std::string, std::string> cases[] = {
      {"0 14 * * wed a.lua max-run=soon", "max-run: 'soon' is not a duration"},
      {"0 14 * * wed a.lua max-run=0s", "max-run: '0s' must be more than zero"},
      {"0 14 * * wed a.lua notify=ftp://x/y",
       "notify: 'ftp://x/y' is not an http:// or https:// URL"},
      {"0 14 * * wed a.lua notify-verdict=http://", "notify-verdict: 'http://' has no host"},
      {"0 14 * * wed a.lua notfy=http://x", "'notfy=' is not a schedule option"},
      {"a.lua", "expected \"[TZ=ZONE] CRON FILE [OPTION=VALUE]...\""},
      {"a.lua max-run=5m", "expected \"[TZ=ZONE] CRON FILE"},
      {"TZ=Mars/Olympus 0 14 * * wed a.lua", "time zone: 'Mars/Olympus'"},
      {"0 25 * * * a.lua", "hour: 25 is out of range 0-23"},
  };
  for (const auto& [text, expected] : cases) {
    auto s = parse_schedule(text);
    ASSERT_FALSE(s) << text;
    EXPECT_NE(s.status().message().find(expected), std::string::npos)
        << text << " -> " << s.status().message();
  }
  ScheduleConfig config;
  EXPECT_EQ(config.add_blackout("Fri 16:00-Mon 25:00").message(),
            "--blackout: 'Fri 16:00-Mon 25:00': end time: '25:00' is not a time (HH:MM, "
            "00:00-23:59)");
  EXPECT_EQ(config.set_max_run("10").message().rfind("--max-run: '10' is not a duration", 0), 0u)
      << config.set_max_run("10").message();
  EXPECT_EQ(config.add_schedule("a.lua").message().rfind("--schedule: ", 0), 0u);
  EXPECT_TRUE(config.add_blackout("Sat 00:00-Mon 00:00"));
  EXPECT_TRUE(config.set_max_run("1h"));
  EXPECT_EQ(config.blackouts.size(), 1u);
  EXPECT_EQ(config.max_run_ms, 3600 * 1000);
}

TEST(ScheduleConfig, TheScheduleFileTakesTheSameSyntaxWithFileAndLineInErrors) {
  test::TempDir dir;
  const std::string path = dir.file("gameday.conf");
  test::write_file(path,
                   "# game days for the shop team\n"
                   "max-run 45m\n"
                   "\n"
                   "blackout Fri 16:00-Mon 08:00 Europe/Berlin   # the weekend\n"
                   "blackout 2026-12-24 00:00-2026-12-27 00:00 Europe/Berlin\n"
                   "  schedule TZ=Europe/Berlin 0 14 * * wed experiments/db_slowdown.lua "
                   "notify=http://127.0.0.1:9/hook\n");
  ScheduleConfig config;
  ASSERT_TRUE(config.load_file(path)) << config.load_file(path).message();
  EXPECT_EQ(config.max_run_ms, 45 * 60 * 1000);
  ASSERT_EQ(config.blackouts.size(), 2u);
  EXPECT_EQ(config.blackouts[0].text(), "Fri 16:00-Mon 08:00 Europe/Berlin");
  ASSERT_EQ(config.schedules.size(), 1u);
  EXPECT_EQ(config.schedules[0].experiment, "experiments/db_slowdown.lua");
  EXPECT_EQ(config.schedules[0].options.notify_verdict.size(), 1u);

  const std::pair<std::string, std::string> cases[] = {
      {"max-run 1h\nblackout Fri 16:00-Mon 8:0\n",
       ":2: blackout: 'Fri 16:00-Mon 8:0': end time: '8:0' is not a time"},
      {"schedule 0 14 * * wed\n", ":1: schedule: '0 14 * *' has 4 fields"},
      {"\n\nmaxrun 1h\n", ":3: 'maxrun' is not a directive here (schedule, blackout, max-run)"},
      {"max-run   0s  \n", ":1: max-run: '0s' must be more than zero"},
  };
  for (const auto& [text, expected] : cases) {
    test::write_file(path, text);
    ScheduleConfig bad;
    const Status s = bad.load_file(path);
    EXPECT_EQ(s.message().rfind(path + ":", 0), 0u) << s.message();
    EXPECT_NE(s.message().find(expected), std::string::npos) << s.message();
  }
  ScheduleConfig missing;
  EXPECT_NE(missing.load_file(dir.file("nope.conf")).message().find("--schedule-file: "),
            std::string::npos);
}

}  // namespace
}  // namespace chaos::scheduler
