// Hostile experiment files under `chaosctl serve --experiments DIR` (issue 17.1, 17.3): listing
// them reports their errors instead of crashing the server, and their Lua runs on a worker, so
// a file that burns its whole CPU budget never holds up status or halt.
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "server_fixture.h"

namespace chaos::server {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

class HostileListingTest : public ServerFixture {
 protected:
  // Restarts the server with exactly `experiments`.
  void serve(const std::vector<std::string>& experiments) {
    server_->stop();
    io_.join();
    server_.reset();
    api_ = std::make_unique<Api>(api_config(kToken, experiments, db_path_), *store_, registry_,
                                 *runs_, clock_);
    server_ = std::make_unique<HttpServer>(*api_, *hub_);
    ASSERT_TRUE(server_->listen("127.0.0.1:0"));
    port_ = server_->port();
    io_ = std::thread([this] { server_->run(); });
  }
  static std::string error_at(const json::value& listing, size_t i) {
    const json::object& o = listing.at("experiments").as_array().at(i).as_object();
    return o.contains("error") ? std::string(o.at("error").as_string()) : "(no error)";
  }
};

TEST_F(HostileListingTest, NestedAndSelfReferencingParametersAreReportedNotACrash) {
  const std::string nested = write_experiment("nested.lua",
      "local t = {} local x = t for i = 1, 30 do x.n = {} x = x.n end\n"
      "experiment { title = 'deep', method = {\n"
      "  fault 'latency' { seed = t, duration = '1s' } } }");
  const std::string cycle = write_experiment("cycle.lua",
      "local t = {} t.me = t\n"
      "experiment { title = 'cycle', method = {\n"
      "  fault 'latency' { seed = t, duration = '1s' } } }");
  serve({nested, cycle});
  const Reply listing = get("/api/v1/experiments");
  ASSERT_EQ(listing.status, 200) << "the server died or failed: " << listing.body;
  const json::value v = json::parse(listing.body);
  EXPECT_EQ(error_at(v, 0),
            nested + ":3: latency: seed: nested too deeply (more than 20 tables inside each other)");
  EXPECT_EQ(error_at(v, 1), cycle + ":3: latency: seed: refers to itself (through seed.me)");
  EXPECT_EQ(get("/api/v1/status").status, 200);  // still serving
}

TEST_F(HostileListingTest, AFileThatBurnsItsCpuBudgetDoesNotHoldUpStatusOrHalt) {
  // Each file spins in a C callback until the 2 s slice budget stops it: listing both takes
  // at least 4 s, on the worker. Meanwhile the I/O thread keeps answering.
  const char* spin = "while true do pcall(table.sort, {3, 2, 1}, function() while true do end end) end";
  serve({write_experiment("spin1.lua", spin), write_experiment("spin2.lua", spin)});
  std::atomic<bool> listed{false};
  Reply listing;
  const auto started = Clock::now();
  std::thread lister([&] {
    listing = get("/api/v1/experiments");
    listed = true;
  });
  Clock::duration slowest{0};
  int answered_while_listing = 0;
  bool halted = false;
  while (!listed && Clock::now() - started < std::chrono::seconds(60)) {
    const auto asked = Clock::now();
    const Reply r = halted ? get("/api/v1/status") : post("/api/v1/halt", "");
    slowest = std::max(slowest, Clock::now() - asked);
    EXPECT_EQ(r.status, halted ? 200 : 202) << r.body;
    halted = true;
    if (!listed) ++answered_while_listing;
  }
  lister.join();
  const auto listing_took = Clock::now() - started;
  ASSERT_EQ(listing.status, 200) << listing.body;
  EXPECT_GE(listing_took, std::chrono::seconds(4));
  EXPECT_GT(answered_while_listing, 1);
  // Hang detector: had the I/O thread evaluated the files, one answer would have waited for
  // the whole listing (4 s and more).
  EXPECT_LT(slowest, std::chrono::milliseconds(1500))
      << "a status or halt request waited "
      << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms";
  const json::value v = json::parse(listing.body);
  EXPECT_NE(error_at(v, 0).find("spin1.lua:1: stopped: ran for more than 2000 ms"),
            std::string::npos)
      << error_at(v, 0);
  EXPECT_NE(error_at(v, 1).find("spin2.lua:1: stopped"), std::string::npos) << error_at(v, 1);
}

TEST_F(HostileListingTest, StartingAHostileFileIsRefusedOnTheWorker) {
  const std::string spin = write_experiment("spin.lua",
      "experiment { title = 'spin', method = function()\n"
      "  table.sort({2, 1}, function() while true do end end) end }");
  serve({spin});
  const Reply started = post("/api/v1/runs", R"({"experiment":")" + spin + "\"}");
  EXPECT_EQ(started.status, 422) << started.body;
  EXPECT_NE(started.body.find("spin.lua:2: stopped: ran for more than 2000 ms"), std::string::npos)
      << started.body;
  EXPECT_EQ(get("/api/v1/status").status, 200);
}

}  // namespace
}  // namespace chaos::server
