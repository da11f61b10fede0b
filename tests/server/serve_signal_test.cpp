// A stop signal to a real `chaosctl serve` while a run it started from the API has a fault on
// (issue 16): the server halts the run, rolls the fault back, stores why, and exits.
#include <signal.h>

#include <boost/json.hpp>

#include "server_fixture.h"

namespace chaos::server {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";
const std::string kToken = "t0123456789";

// SIGHUP: the terminal or ssh session that started `serve` was closed.
TEST(ServeSignalTest, SighupHaltsAnApiStartedRunAndRollsItsFaultBack) {
  test::TempDir dir;
  const std::string db = dir.file("chaos.db");
  const std::string effect = dir.file("effect");
  const std::string experiment = dir.file("fault.lua");
  test::write_file(experiment, "experiment { title = 'fault', method = { fault 'fake' { file = '" +
                                   effect + "', duration = '60s' } } }\n");
  test::ChildProcess serve(
      kChaosctl,
      {"--db", db, "--plugin-dir", std::string(CHAOS_TEST_PLUGIN_ROOT) + "/fake", "serve",
       "--listen", "127.0.0.1:0", "--token", kToken, experiment},
      dir.file("serve.log"));
  const auto port = served_port(serve);
  ASSERT_TRUE(port) << serve.log();
  const Reply started =
      http(*port, "POST", "/api/v1/runs", json::serialize(json::object{{"experiment", experiment}}),
           "Bearer " + kToken);
  ASSERT_EQ(started.status, 202) << started.body;
  const int64_t run_id = json::parse(started.body).at("run_id").as_int64();
  ASSERT_TRUE(test::wait_for([&] { return test::read_file(effect) == "on"; }, 30s)) << serve.log();

  ASSERT_EQ(kill(serve.pid(), SIGHUP), 0);
  const auto code = serve.wait_exit(30s);
  ASSERT_TRUE(code.has_value()) << "serve did not exit by itself:\n" << serve.log();
  EXPECT_EQ(*code, 0) << serve.log();
  EXPECT_EQ(test::read_file(effect), "off") << serve.log();
  auto store = store::Store::open(db);
  ASSERT_TRUE(store) << store.status().message();
  const auto run = store.value()->get_run(run_id);
  ASSERT_TRUE(run) << run.status().message();
  EXPECT_EQ(run->state, "done");
  EXPECT_EQ(run->verdict, "aborted");
  EXPECT_NE(run->reason.find("SIGHUP"), std::string::npos) << run->reason;
}

}  // namespace
}  // namespace chaos::server
