// Blackout windows at the API: a start inside one, or one whose maximum length would run into
// one, is refused with 409 naming the window; nothing runs; every refusal is stored and shown at
// /api/v1/schedules, and outlives the server. Windows are dated around the real time now.
#include <boost/json.hpp>
#include <chrono>
#include <ctime>

#include "server/start_gate.h"
#include "server_fixture.h"

namespace chaos::server {
namespace {

namespace json = boost::json;

constexpr int64_t kMinute = 60 * 1000;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "YYYY-MM-DD HH:MM" in UTC, rounded down to the minute.
std::string utc_minute(int64_t unix_ms) {
  const std::time_t seconds = unix_ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

// A dated window in UTC that covers [from, to) at least.
std::string dated_window(int64_t from_ms, int64_t to_ms) {
  return utc_minute(from_ms) + "-" + utc_minute(to_ms + kMinute) + " UTC";
}

class BlackoutApiTest : public ServerFixture {
 protected:
  // Gives the server these windows and --max-run (the experiment ok.lua plans about 60 s: the
  // default baseline and recovery timeouts of 30 s each).
  void open_gate(std::vector<std::string> windows, std::optional<int64_t> max_run_ms) {
    std::vector<scheduler::BlackoutWindow> parsed;
    for (const auto& w : windows) {
      auto window = scheduler::BlackoutWindow::parse(w);
      ASSERT_TRUE(window) << window.status().message();
      parsed.push_back(std::move(window).value());
    }
    auto gate = StartGate::open(scheduler::BlackoutCalendar(std::move(parsed)), max_run_ms,
                                db_path_, registry_, *runs_, clock_);
    ASSERT_TRUE(gate) << gate.status().message();
    gate_ = std::move(gate).value();
    api_->set_start_gate(gate_.get());
  }
  Reply start_ok() { return post("/api/v1/runs", "{\"experiment\":\"" + experiments_[0] + "\"}"); }
  json::value schedules() { return json::parse(get("/api/v1/schedules").body); }

  std::unique_ptr<StartGate> gate_;
};

TEST_F(BlackoutApiTest, AStartInsideAWindowIsRefusedWith409NamingItAndStored) {
  const std::string window = dated_window(now_ms() - 60 * kMinute, now_ms() + 60 * kMinute);
  open_gate({window}, std::nullopt);
  const Reply r = start_ok();
  ASSERT_EQ(r.status, 409) << r.body;
  const json::value body = json::parse(r.body);
  const std::string error(body.at("error").as_string());
  EXPECT_NE(error.find("blackout window '" + window + "' is in force"), std::string::npos) << error;
  EXPECT_EQ(body.at("blackout").at("window").as_string(), window);
  EXPECT_TRUE(body.at("blackout").at("inside").as_bool());
  EXPECT_EQ(json::parse(get("/api/v1/runs").body).at("total").as_int64(), 0);  // nothing ran

  const json::value s = schedules();
  ASSERT_EQ(s.at("refusals").as_array().size(), 1u) << json::serialize(s);
  const auto& refusal = s.at("refusals").as_array()[0];
  EXPECT_EQ(refusal.at("origin").as_string(), "api");
  EXPECT_EQ(refusal.at("experiment").as_string(), experiments_[0]);
  EXPECT_EQ(refusal.at("blackout").as_string(), window);
  EXPECT_EQ(refusal.at("message").as_string(), error);
  ASSERT_EQ(s.at("blackouts").as_array().size(), 1u);
  EXPECT_TRUE(s.at("blackouts").as_array()[0].at("in_force").as_bool());
  EXPECT_EQ(s.at("blackouts").as_array()[0].at("window").as_string(), window);
}

TEST_F(BlackoutApiTest, AStartWhoseMaximumLengthRunsIntoAWindowIsRefused) {
  // A window from 20 minutes from now: a 60 s run fits before it, a 30 min bound does not.
  const std::string window = dated_window(now_ms() + 20 * kMinute, now_ms() + 80 * kMinute);
  open_gate({window}, 30 * kMinute);
  const Reply r = start_ok();
  ASSERT_EQ(r.status, 409) << r.body;
  const json::value body = json::parse(r.body);
  const std::string error(body.at("error").as_string());
  EXPECT_NE(error.find("may last up to 30m (--max-run) and would run into blackout window '" +
                       window + "', which begins "),
            std::string::npos)
      << error;
  EXPECT_FALSE(body.at("blackout").at("inside").as_bool());
  EXPECT_EQ(body.at("max_length_ms").as_int64(), 30 * kMinute);
  EXPECT_FALSE(schedules().at("blackouts").as_array()[0].at("in_force").as_bool());
}

TEST_F(BlackoutApiTest, ARunThatEndsBeforeTheWindowStartsAndRefusalsOutliveTheServer) {
  const std::string window = dated_window(now_ms() + 20 * kMinute, now_ms() + 80 * kMinute);
  open_gate({window}, 5 * kMinute);
  const Reply r = start_ok();
  ASSERT_EQ(r.status, 202) << r.body;
  const int64_t run = json::parse(r.body).at("run_id").as_int64();
  ASSERT_TRUE(test::wait_for([&] {
    return json::parse(get("/api/v1/runs/" + std::to_string(run)).body).at("verdict").is_string();
  }));
  // A refusal for another reason is stored too: the same experiment twice at once.
  const std::string slow = write_experiment("slow.lua",
                                            "experiment { title = 'slow', method = function() "
                                            "chaos.sleep('30s') end }");
  StartRequest request;
  request.experiment = slow;
  request.origin = "api";
  ASSERT_TRUE(gate_->start(request).status);
  const StartOutcome twice = gate_->start(request);
  EXPECT_EQ(twice.status.code(), Status::Code::kFailed);
  EXPECT_NE(twice.status.message().find("already running"), std::string::npos)
      << twice.status.message();

  // A new server over the same database shows it.
  gate_.reset();
  open_gate({}, std::nullopt);
  const auto refusals = schedules().at("refusals").as_array();
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].at("blackout").as_string(), "");
  EXPECT_NE(refusals[0].at("message").as_string().find("already running"), std::string::npos);
}

}  // namespace
}  // namespace chaos::server
