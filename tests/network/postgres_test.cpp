// The network plugin in front of a real PostgreSQL 15 on 127.0.0.1 (ephemeral port, temporary
// data directory, trust auth), driven through the plugin's C ABI, with psql as the client.
// Pins what psql sees in each outage mode (plugins/network/README.md documents the same).

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "network/postgres_server.h"
#include "network/server_process.h"
#include "plugins/loaded_plugin.h"
#include "plugins/recording_host.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::testing {
namespace {

namespace json = boost::json;
using chaos::test::CommandResult;
using chaos::test::ServerProcess;
using std::chrono::milliseconds;
using std::chrono::seconds;

using chaos::test::Postgres;

class PostgresProxyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    plugin_ = new LoadedPlugin(CHAOS_NETWORK_PLUGIN);
    pg_ = new Postgres;
    pg_->error = chaos::test::start_postgres(*pg_);
  }
  static void TearDownTestSuite() {
    if (pg_->server) pg_->server->stop(SIGINT);  // "fast" shutdown: it does not wait for clients
    delete pg_;
    delete plugin_;
  }

  void SetUp() override {
    ASSERT_NE(plugin_->plugin(), nullptr) << plugin_->error();
    ASSERT_EQ(pg_->error, "") << pg_->error;
    proxy_ = make("proxy", "");
    ASSERT_EQ(proxy_->start().status, CHAOS_OK);
    const json::object status = json::parse(proxy_->status()).as_object();
    const std::string listen(status.at("listen").as_string());
    port_ = static_cast<uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
  }

  std::unique_ptr<FaultHandle> make(const char* kind, const std::string& extra) {
    const std::string params = R"({"listen":"127.0.0.1:)" + std::to_string(port_) +
                               R"(","upstream":"127.0.0.1:)" + std::to_string(pg_->port) + "\"" +
                               extra + "}";
    auto f = std::make_unique<FaultHandle>(plugin_->kind(kind), host_, params);
    EXPECT_EQ(f->created().status, CHAOS_OK) << f->created().message;
    return f;
  }
  std::unique_ptr<FaultHandle> start(const char* kind, const std::string& extra) {
    auto f = make(kind, extra);
    const CallResult r = f->start();
    EXPECT_EQ(r.status, CHAOS_OK) << r.message;
    return f;
  }

  static CommandResult psql(uint16_t port, const std::string& sql, int connect_timeout_s = 10,
                            milliseconds timeout = seconds(20)) {
    return chaos::test::psql(port, sql, connect_timeout_s, timeout);
  }
  CommandResult psql(const std::string& sql, int connect_timeout_s = 10) {
    return psql(port_, sql, connect_timeout_s);
  }
  // The server-side time of one query as psql's \timing reports it, in ms (-1 if absent).
  double query_ms() {
    const CommandResult r = psql_commands({"\\timing on", "select 1"});
    const size_t at = r.output.find("Time: ");
    return at == std::string::npos ? -1 : std::stod(r.output.substr(at + 6));
  }
  CommandResult psql_commands(const std::vector<std::string>& commands) {
    std::vector<std::string> argv{chaos::test::kPsql, "-X",       "-h", "127.0.0.1", "-p", std::to_string(port_),
                                  "-U",  "postgres", "-d", "postgres",  "-At"};
    for (const auto& c : commands) argv.insert(argv.end(), {"-c", c});
    return chaos::test::run_command(argv, {"PGCONNECT_TIMEOUT=10", "PGGSSENCMODE=disable"},
                                    seconds(20));
  }
  void expect_psql_works_again() {
    const CommandResult r = psql("select 1");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(r.output, "1\n");
  }

  static inline LoadedPlugin* plugin_ = nullptr;
  static inline Postgres* pg_ = nullptr;
  RecordingHost host_;
  std::unique_ptr<FaultHandle> proxy_;
  uint16_t port_ = 0;
};

TEST_F(PostgresProxyTest, PsqlWorksThroughThePassthroughProxy) {
  const CommandResult r = psql("select 40 + 2");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "42\n");
  const json::object status = json::parse(proxy_->status()).as_object();
  EXPECT_GE(status.at("connections_opened").as_int64(), 1);
  EXPECT_GT(status.at("bytes_from_upstream").as_int64(), 0);
}

TEST_F(PostgresProxyTest, LatencyRaisesAQuerysTimeByAboutTheDelayAndStopRemovesIt) {
  const double before = query_ms();
  ASSERT_GE(before, 0);
  auto latency = start("latency", R"(,"delay":"200ms")");
  const double with = query_ms();
  std::cout << "[ observed ] psql \\timing for select 1: " << before << " ms, with 200ms latency "
            << with << " ms\n";
  EXPECT_GE(with - before, 190);
  EXPECT_LT(with - before, 400);  // one round trip per query: one delay
  ASSERT_EQ(latency->stop().status, CHAOS_OK);
  EXPECT_LT(query_ms(), before + 100);
}

TEST_F(PostgresProxyTest, RefuseGivesPsqlConnectionRefused) {
  auto refuse = start("outage", R"(,"mode":"refuse")");
  const CommandResult r = psql("select 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("Connection refused"), std::string::npos) << r.output;
  ASSERT_EQ(refuse->stop().status, CHAOS_OK);
  expect_psql_works_again();
}

TEST_F(PostgresProxyTest, ResetOfNewConnectionsGivesPsqlConnectionResetByPeer) {
  auto reset = start("outage", R"(,"mode":"reset")");
  const CommandResult r = psql("select 1");
  std::cout << "[ observed ] psql under reset: " << r.output;
  EXPECT_EQ(r.exit_code, 2);
  // The RST reaches libpq while it sets the connection up: which call sees it first decides
  // the wording, so both are documented.
  EXPECT_TRUE(r.output.find("Connection reset by peer") != std::string::npos ||
              r.output.find("server closed the connection unexpectedly") != std::string::npos)
      << r.output;
  ASSERT_EQ(reset->stop().status, CHAOS_OK);
  expect_psql_works_again();
}

TEST_F(PostgresProxyTest, ResetWithExistingKillsAQueryInFlight) {
  std::unique_ptr<CommandResult> slow;
  std::thread client([&] { slow = std::make_unique<CommandResult>(psql("select pg_sleep(10)")); });
  // The query is in flight once the server has answered the start-up (bytes came back) and
  // the connection is still open.
  const bool in_flight = chaos::test::wait_for(
      [&] {
        const json::object s = json::parse(proxy_->status()).as_object();
        return s.at("connections_active").as_int64() == 1 &&
               s.at("bytes_from_upstream").as_int64() > 0;
      },
      seconds(10));
  std::this_thread::sleep_for(milliseconds(200));  // let psql send the query itself
  auto reset = start("outage", R"(,"mode":"reset","existing":true)");
  client.join();
  EXPECT_TRUE(in_flight);
  std::cout << "[ observed ] psql with its query reset: " << slow->output;
  EXPECT_EQ(slow->exit_code, 2);
  EXPECT_LT(slow->elapsed, seconds(5));
  EXPECT_NE(slow->output.find("server closed the connection unexpectedly"), std::string::npos)
      << slow->output;
  EXPECT_EQ(json::parse(reset->status()).at("connections_reset"), 1);
  ASSERT_EQ(reset->stop().status, CHAOS_OK);
  expect_psql_works_again();
}

TEST_F(PostgresProxyTest, BlackholeMakesPsqlHitItsConnectTimeout) {
  auto hole = start("outage", R"(,"mode":"blackhole")");
  const CommandResult r = psql("select 1", 2);
  std::cout << "[ observed ] psql under blackhole (PGCONNECT_TIMEOUT=2): " << r.output;
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("timeout expired"), std::string::npos) << r.output;
  EXPECT_GE(r.elapsed, milliseconds(1900));
  EXPECT_LT(r.elapsed, seconds(6));
  ASSERT_EQ(hole->stop().status, CHAOS_OK);
  expect_psql_works_again();
}

TEST_F(PostgresProxyTest, TimeoutClosesTheConnectionAndPsqlSaysSo) {
  auto timeout = start("outage", R"(,"mode":"timeout","delay":"1s")");
  const CommandResult r = psql("select 1", 10);
  std::cout << "[ observed ] psql under timeout 1s: " << r.output;
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("server closed the connection unexpectedly"), std::string::npos)
      << r.output;
  EXPECT_GE(r.elapsed, milliseconds(900));
  EXPECT_LT(r.elapsed, seconds(5));
  ASSERT_EQ(timeout->stop().status, CHAOS_OK);
  expect_psql_works_again();
}

}  // namespace
}  // namespace chaos::testing
