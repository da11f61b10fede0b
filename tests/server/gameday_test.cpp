// Game days end to end, with a real `chaosctl serve` process: a schedule in a time zone tells
// its webhook (a real HTTP server on 127.0.0.1) of each start and verdict; a blackout window
// from a schedule file refuses every firing, stores the refusals, shows them at
// /api/v1/schedules and tells the webhook why. A seconds field keeps the tests short.
#include <algorithm>
#include <boost/json.hpp>
#include <ctime>

#include "server_fixture.h"
#include "support/webhook_receiver.h"

namespace chaos::server {
namespace {

namespace json = boost::json;

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";

std::vector<json::value> documents(const test::WebhookReceiver& receiver,
                                   const std::string& event) {
  std::vector<json::value> out;
  for (const auto& r : receiver.requests()) {
    json::value v = json::parse(r.body);
    if (v.at("event").as_string() == event) out.push_back(std::move(v));
  }
  return out;
}

TEST(GameDayTest, AScheduleInAZoneTellsItsWebhookOfStartsAndVerdicts) {
  test::TempDir dir;
  const std::string experiment = dir.file("tick.lua");
  test::write_file(experiment, "experiment { title = 'tick', method = function() end }\n");
  test::WebhookReceiver hook;
  const std::string cron = "TZ=Europe/Berlin */2 * * * * *";
  test::ChildProcess serve(
      kChaosctl,
      {"--db", dir.file("chaos.db"), "serve", "--listen", "127.0.0.1:0", "--token", "t0123456789",
       "--schedule", cron + " " + experiment + " notify=" + hook.url("/services/T0/secret")},
      dir.file("serve.log"));
  const auto port = served_port(serve);
  ASSERT_TRUE(port) << serve.log();

  ASSERT_TRUE(
      test::wait_for([&] { return !documents(hook, "verdict").empty(); }, std::chrono::seconds(30)))
      << serve.log();
  const json::value verdict = documents(hook, "verdict")[0];
  EXPECT_EQ(verdict.at("verdict").as_string(), "passed");
  EXPECT_EQ(verdict.at("title").as_string(), "tick");
  EXPECT_EQ(verdict.at("schedule").as_string(), cron);
  EXPECT_EQ(verdict.at("time_zone").as_string(), "Europe/Berlin");
  const int64_t run = verdict.at("run_id").as_int64();
  EXPECT_EQ(verdict.at("text").as_string(),
            "chaosctl: run " + std::to_string(run) + ", tick (" + experiment +
                ") ended passed: " + std::string(verdict.at("reason").as_string()));
  // Its start was posted first, however quickly the run ended (both go through one queue).
  std::vector<std::pair<std::string, int64_t>> order;
  const auto requests = hook.requests();
  for (const auto& r : requests) {
    const json::value v = json::parse(r.body);
    order.emplace_back(std::string(v.at("event").as_string()), v.at("run_id").as_int64());
  }
  const auto start_at =
      std::find(order.begin(), order.end(), std::pair<std::string, int64_t>("start", run));
  const auto verdict_at =
      std::find(order.begin(), order.end(), std::pair<std::string, int64_t>("verdict", run));
  ASSERT_NE(start_at, order.end()) << "no start notice for run " << run;
  EXPECT_LT(start_at, verdict_at);
  const json::value start =
      json::parse(requests[static_cast<size_t>(start_at - order.begin())].body);
  EXPECT_EQ(start.at("text").as_string(), "chaosctl: scheduled run " + std::to_string(run) +
                                              ", tick (" + experiment + ") started (schedule '" +
                                              cron + "')");
  EXPECT_GT(start.at("max_length_ms").as_int64(), 0);
  for (const auto& r : hook.requests()) {
    EXPECT_EQ(r.target, "/services/T0/secret");
    EXPECT_EQ(r.content_type, "application/json");
  }

  const json::value schedules = json::parse(http(*port, "GET", "/api/v1/schedules").body);
  const auto& s = schedules.at("schedules").as_array()[0];
  EXPECT_EQ(s.at("timezone").as_string(), "Europe/Berlin");
  const std::string next_local(s.at("next_local").as_string());
  EXPECT_TRUE(next_local.ends_with(" CET") || next_local.ends_with(" CEST")) << next_local;
  // The webhook's secret path is not shown to whoever can read the API.
  ASSERT_EQ(s.at("notify_start").as_array().size(), 1u);
  EXPECT_EQ(s.at("notify_start").as_array()[0].as_string(),
            "http://127.0.0.1:" + std::to_string(hook.port()) + "/...");
  EXPECT_EQ(http(*port, "GET", "/api/v1/schedules").body.find("secret"), std::string::npos);
  serve.stop();
}

// "YYYY-MM-DD HH:MM" in UTC.
std::string utc_minute(std::time_t seconds) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

TEST(GameDayTest, FiringsInABlackoutAreRefusedStoredShownAndNotified) {
  test::TempDir dir;
  const std::string experiment = dir.file("tick.lua");
  test::write_file(experiment, "experiment { title = 'tick', method = function() end }\n");
  test::WebhookReceiver hook;
  const std::time_t now = std::time(nullptr);
  const std::string window = utc_minute(now - 3600) + "-" + utc_minute(now + 3600) + " UTC";
  const std::string config = dir.file("gameday.conf");
  test::write_file(config, "# the change freeze\nblackout " + window + "\nschedule */2 * * * * * " +
                               experiment + " notify-start=" + hook.url() + "\n");
  test::ChildProcess serve(kChaosctl,
                           {"--db", dir.file("chaos.db"), "serve", "--listen", "127.0.0.1:0",
                            "--token", "t0123456789", "--schedule-file", config},
                           dir.file("serve.log"));
  const auto port = served_port(serve);
  ASSERT_TRUE(port) << serve.log();
  EXPECT_NE(
      serve.log().find("blackout '" + window + "': no run starts inside it; in force now, until "),
      std::string::npos)
      << serve.log();

  json::value schedules;
  ASSERT_TRUE(test::wait_for(
      [&] {
        schedules = json::parse(http(*port, "GET", "/api/v1/schedules").body);
        // The scheduler counts a firing once its start was refused and stored.
        return schedules.at("schedules").as_array()[0].at("firings_skipped").as_int64() >= 2;
      },
      std::chrono::seconds(20)))
      << json::serialize(schedules) << "\n"
      << serve.log();
  const auto& s = schedules.at("schedules").as_array()[0];
  EXPECT_EQ(s.at("runs_started").as_int64(), 0);
  EXPECT_GE(s.at("refusals_total").as_int64(), s.at("firings_skipped").as_int64());
  EXPECT_EQ(s.at("next_in_blackout").as_string(), window);
  const auto& refusal = s.at("refusals").as_array()[0];
  EXPECT_EQ(refusal.at("origin").as_string(), "schedule");
  EXPECT_EQ(refusal.at("schedule").as_string(), "*/2 * * * * *");
  EXPECT_EQ(refusal.at("blackout").as_string(), window);
  EXPECT_NE(refusal.at("message").as_string().find("blackout window '" + window + "' is in force"),
            std::string::npos);
  EXPECT_EQ(s.at("last_skip_reason").as_string(), refusal.at("message").as_string());
  EXPECT_TRUE(schedules.at("blackouts").as_array()[0].at("in_force").as_bool());
  EXPECT_EQ(json::parse(http(*port, "GET", "/api/v1/runs").body).at("total").as_int64(), 0);

  // The API is refused the same way.
  const Reply api = http(*port, "POST", "/api/v1/runs", "{\"experiment\":\"" + experiment + "\"}",
                         "Bearer t0123456789");
  EXPECT_EQ(api.status, 409) << api.body;
  EXPECT_EQ(json::parse(api.body).at("blackout").at("window").as_string(), window);

  ASSERT_TRUE(test::wait_for([&] { return !documents(hook, "refused").empty(); }));
  const json::value notice = documents(hook, "refused")[0];
  EXPECT_EQ(notice.at("blackout").as_string(), window);
  EXPECT_NE(notice.at("text").as_string().find(
                "did not start (schedule '*/2 * * * * *'): blackout window"),
            std::string::npos)
      << notice.at("text").as_string();
  EXPECT_TRUE(documents(hook, "verdict").empty());  // notify-start= is told of firings only
  serve.stop();
}

}  // namespace
}  // namespace chaos::server
