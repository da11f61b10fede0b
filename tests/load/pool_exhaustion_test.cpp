// Connection-pool exhaustion against real nginx (small worker_connections) and PostgreSQL
// (small max_connections) on 127.0.0.1.
#include <chrono>
#include <iostream>

#include "load/load_fixture.h"
#include "load/servers.h"

using namespace chaos;
using namespace chaos::load_test;
using namespace std::chrono_literals;

namespace {

// A fresh curl request; true if it got a 200 within 2 s.
bool curl_ok(const Nginx& nginx) {
  int status = 0;
  const std::string out =
      run("curl -s -o /dev/null -w '%{http_code}' --max-time 2 " + nginx.url(), &status);
  return status == 0 && out == "200";
}

void exhaust_nginx(const std::string& mode, bool expect_blocked) {
  ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
  const std::string why = missing(Nginx::kBinary, "nginx");
  ASSERT_TRUE(why.empty()) << why;
  Nginx nginx(/*worker_connections=*/16);
  ASSERT_TRUE(nginx.ready()) << nginx.log();
  ASSERT_TRUE(curl_ok(nginx));
  const int before = open_fds();
  auto fault =
      plugin().create("pool_exhaustion", "{\"target\":\"127.0.0.1:" + std::to_string(nginx.port()) +
                                             "\",\"mode\":\"" + mode +
                                             "\",\"connections\":40,\"trickle_every\":\"500ms\"}");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  // nginx holds 15 of them (16 worker_connections, one is its listening socket). Documented
  // behaviour: nginx accepts a connection beyond worker_connections and closes it at once
  // ("worker_connections are not enough"), so a new client fails fast with a reset or an
  // empty reply; our extra connections are dropped and re-tried every 250 ms.
  ASSERT_TRUE(test::wait_for(
      [&] {
        return status_number(fault, "held") >= 14 && status_number(fault, "dropped_by_peer") >= 1;
      },
      10s))
      << fault.status().output;
  for (int i = 0; i < 3; ++i) {
    int curl_status = 0;
    const std::string out = run("curl -sS -o /dev/null --max-time 2 " + nginx.url(), &curl_status);
    if (expect_blocked) {
      EXPECT_NE(curl_status, 0) << "nginx answered while its connections were held: "
                                << fault.status().output;
    } else {
      EXPECT_EQ(curl_status, 0) << out;
    }
  }
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_EQ(open_fds(), before);
  EXPECT_TRUE(test::wait_for([&] { return curl_ok(nginx); }, 10s)) << nginx.log();
}

// The plugin loaded, and PostgreSQL 15's server and psql installed (a fatal failure otherwise).
void expect_plugin_and_postgres() {
  ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
  for (const auto& [path, pkg] : {std::pair<std::string, std::string>{
                                      std::string(Postgres::kBin) + "/postgres", "postgresql-15"},
                                  {"/usr/bin/psql", "postgresql-client-15"}}) {
    const std::string why = missing(path, pkg);
    ASSERT_TRUE(why.empty()) << why;
  }
}

}  // namespace

// nginx marks a connection that has not sent a byte yet as "reusable" and closes it when it
// runs out of worker_connections, so a silent TCP hold does NOT exhaust nginx: new requests
// still succeed and our held connections are dropped by the peer (and re-opened). This pins
// that documented limit of the tcp mode (use http_slow against nginx).
TEST(PoolExhaustionNginx, TcpHoldDoesNotExhaustNginxWhichReclaimsSilentConnections) {
  exhaust_nginx("tcp", /*expect_blocked=*/false);
}

// Slowloris connections are mid-request, not reusable: every new client is accepted and
// closed at once (curl: "Empty reply from server" or a reset) until the fault stops.
TEST(PoolExhaustionNginx, SlowlorisMakesNewRequestsFailUntilStopped) {
  exhaust_nginx("http_slow", /*expect_blocked=*/true);
}

TEST(PoolExhaustionPostgres, SessionsTakeEveryConnectionSlotUntilStopped) {
  ASSERT_NO_FATAL_FAILURE(expect_plugin_and_postgres());
  Postgres pg(/*max_connections=*/5);
  ASSERT_TRUE(pg.ready()) << pg.log();
  auto fault = plugin().create("pool_exhaustion", R"({"target":")" + pg.target() +
                                                      R"(","mode":"postgres","connections":8})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  // 5 sessions complete authentication (ReadyForQuery); the rest get "too many clients".
  ASSERT_TRUE(test::wait_for(
      [&] { return status_number(fault, "held") == 5 && status_number(fault, "refused") >= 3; },
      15s))
      << fault.status().output;
  EXPECT_NE(fault.status().output.find("too many clients"), std::string::npos)
      << fault.status().output;
  const std::string refused = pg.psql("select 1");
  EXPECT_TRUE(refused.find("too many clients") != std::string::npos ||
              refused.find("remaining connection slots are reserved") != std::string::npos)
      << refused;
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_TRUE(test::wait_for(
      [&] { return pg.psql("select 1").find("(1 row)") != std::string::npos; }, 10s));
}

// update changes the number of sessions held live, against real PostgreSQL: its own count of
// our sessions (pg_stat_activity) follows each change up and down, a number above what the
// server allows holds only what it lets us (requested stays what was asked), and only
// `connections` may change.
TEST(PoolExhaustionPostgres, UpdateOpensOrClosesSessionsToReachTheNewNumber) {
  ASSERT_NO_FATAL_FAILURE(expect_plugin_and_postgres());
  Postgres pg(/*max_connections=*/12);
  ASSERT_TRUE(pg.ready()) << pg.log();
  // Our sessions as the server counts them (the admin psql is a client backend too, but not
  // chaosctl's application_name).
  auto server_count = [&] {
    const std::string out =
        pg.admin_psql("",
                      "-tA -c 'select count(*) from pg_stat_activity where application_name = "
                      "$$chaosctl-pool-exhaustion$$'");
    try {
      return std::stoi(out);
    } catch (...) {
      return -1;
    }
  };
  auto params = [&](int n, const std::string& extra = "") {
    return R"({"target":")" + pg.target() + R"(","mode":"postgres","connections":)" +
           std::to_string(n) + extra + "}";
  };
  auto fault = plugin().create("pool_exhaustion", params(3));
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "held") == 3; }, 10s))
      << fault.status().output;
  EXPECT_TRUE(test::wait_for([&] { return server_count() == 3; }, 5s)) << server_count();

  ASSERT_TRUE(fault.update(params(8)).ok());
  EXPECT_EQ(status_number(fault, "requested"), 8);
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "held") == 8; }, 10s))
      << fault.status().output;
  EXPECT_TRUE(test::wait_for([&] { return server_count() == 8; }, 5s)) << server_count();
  EXPECT_GE(status_number(fault, "full_after_ms"), 0) << fault.status().output;

  ASSERT_TRUE(fault.update(params(2)).ok());
  ASSERT_TRUE(test::wait_for([&] { return status_number(fault, "held") == 2; }, 5s))
      << fault.status().output;
  // Terminate, then the backend exits: the server's count follows within a moment.
  EXPECT_TRUE(test::wait_for([&] { return server_count() == 2; }, 5s)) << server_count();
  EXPECT_EQ(status_number(fault, "closed_surplus"), 6) << fault.status().output;
  EXPECT_EQ(status_number(fault, "refused"), 0) << fault.status().output;

  // More than the server allows: it holds what is free, the rest are refused, and requested
  // says what was asked. (The admin psql above may hold a slot for a moment.)
  ASSERT_TRUE(fault.update(params(20)).ok());
  ASSERT_TRUE(test::wait_for(
      [&] { return status_number(fault, "held") >= 11 && status_number(fault, "refused") >= 1; },
      15s))
      << fault.status().output;
  EXPECT_EQ(status_number(fault, "requested"), 20);
  EXPECT_LE(status_number(fault, "held"), 12);
  EXPECT_EQ(status_number(fault, "full_after_ms"), -1) << fault.status().output;
  EXPECT_NE(fault.status().output.find("too many clients"), std::string::npos)
      << fault.status().output;
  EXPECT_EQ(status_number(fault, "updates"), 3);

  // Only the number changes live.
  const sdk::CallResult moved =
      fault.update(R"({"target":")" + pg.target() + R"(","mode":"tcp","connections":4})");
  EXPECT_EQ(moved.status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(moved.message.rfind("mode", 0), 0u) << moved.message;

  ASSERT_TRUE(fault.stop().ok());
  EXPECT_TRUE(test::wait_for([&] { return server_count() == 0; }, 10s)) << server_count();
}
