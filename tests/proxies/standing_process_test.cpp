// Standing proxies with the real chaosctl: `chaosctl proxy` holding them, `chaosctl run`
// attaching to them by name from another process, npm's toxiproxy-node-client and curl
// driving the Toxiproxy-compatible API, real PostgreSQL (psql) behind it. Every address is
// 127.0.0.1.

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <regex>
#include <thread>

#include "network/postgres_server.h"
#include "plugins/loopback.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::test {
namespace {

namespace json = boost::json;
using chaos::testing::Client;
using chaos::testing::LoopbackServer;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";

// One `chaosctl proxy` on a free API port, with the proxies in `config`.
class ProxyProcess {
 public:
  ProxyProcess(const TempDir& dir, const std::string& config_json) : dir_(dir) {
    write_file(dir.file("proxies.json"), config_json);
    process_ = std::make_unique<ChildProcess>(
        kChaosctl,
        std::vector<std::string>{"--db", dir.file("chaos.db"), "proxy", "--config",
                                 dir.file("proxies.json"), "--api-listen", "127.0.0.1:0"},
        dir.file("proxy.log"));
    const std::regex api("API on http://127\\.0\\.0\\.1:([0-9]+)/");
    wait_for([&] {
      std::smatch m;
      const std::string log = process_->log();
      if (std::regex_search(log, m, api)) api_port_ = std::stoi(m[1]);
      return api_port_ != 0 || process_->exited();
    }, seconds(20));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(api_port_); }
  int api_port() const { return api_port_; }
  std::string log() const { return process_->log(); }
  // curl against the API: the status code, then the body.
  CommandResult curl(const std::string& method, const std::string& path, const std::string& body = "") {
    std::vector<std::string> argv{"/usr/bin/curl", "-s", "--noproxy", "*", "-X", method,
                                  "-w", "\n%{http_code}", url() + path};
    if (!body.empty()) argv.insert(argv.end(), {"-H", "Content-Type: application/json", "-d", body});
    return run_command(argv, {}, seconds(10));
  }
  // The leased faults the holder has now.
  size_t leased() {
    const CommandResult r = curl("GET", "/chaosctl/v1/faults");
    const std::string body = r.output.substr(0, r.output.rfind('\n'));
    boost::system::error_code ec;
    const json::value v = json::parse(body, ec);
    return ec || !v.is_array() ? 99 : v.as_array().size();
  }

 private:
  const TempDir& dir_;
  std::unique_ptr<ChildProcess> process_;
  int api_port_ = 0;
};

int http_status(const CommandResult& r) { return std::stoi(r.output.substr(r.output.rfind('\n') + 1)); }
std::string http_body(const CommandResult& r) { return r.output.substr(0, r.output.rfind('\n')); }

// An experiment that attaches to the standing proxy "db" for `duration` with `delay` of latency.
// Its probe reads the holder's own /version, which stays healthy throughout.
std::string attach_experiment(const std::string& api, const std::string& delay,
                              const std::string& duration) {
  return R"(experiment {
  title = "attach to a standing proxy",
  steady_state = {
    http_probe "holder" { url = ")" + api + R"(/version", every = "100ms",
                          expect = { error_ratio = { max = 0 } } },
  },
  method = {
    fault "latency" { proxy = "db", delay = ")" + delay + R"(", duration = ")" + duration + R"(" },
  },
})";
}

CommandResult chaosctl_run(const TempDir& dir, const std::string& api, const std::string& file,
                           milliseconds timeout = seconds(60)) {
  return run_command({kChaosctl, "--db", dir.file("runs.db"), "run", "--proxy-api", api, file}, {},
                     timeout);
}

TEST(StandingProcessTest, ProxySurvivesThreeRunsWithOneKeepAliveConnectionOpen) {
  TempDir dir;
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  // A host-name upstream: "localhost" is looked up when the proxy starts.
  const uint16_t listen = unused_loopback_port();
  ProxyProcess holder(dir, R"({"proxies": [{"name": "db", "listen": "127.0.0.1:)" +
                               std::to_string(listen) + R"(", "upstream": "localhost:)" +
                               std::to_string(echo.port()) + R"("}]})");
  ASSERT_NE(holder.api_port(), 0) << holder.log();
  EXPECT_NE(holder.log().find("forwarding to localhost:" + std::to_string(echo.port()) +
                              " (resolved to 127.0.0.1:" + std::to_string(echo.port()) + ")"),
            std::string::npos)
      << holder.log();

  // One connection, echoing all the time, across three runs and the gaps between them.
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, slow{0}, exchanges{0};
  Client client(listen);
  ASSERT_TRUE(client.connected());
  std::thread pinger([&] {
    while (!done) {
      const milliseconds rtt = client.echo_rtt(seconds(5));
      if (rtt.count() < 0) ++failures;
      if (rtt.count() >= 150) ++slow;
      ++exchanges;
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
  write_file(dir.file("attach.lua"), attach_experiment(holder.url(), "150ms", "2s"));
  int slow_before = 0;
  for (int run = 1; run <= 3; ++run) {
    const CommandResult r = chaosctl_run(dir, holder.url(), dir.file("attach.lua"));
    EXPECT_EQ(r.exit_code, 0) << "run " << run << ":\n" << r.output;
    EXPECT_GT(slow.load(), slow_before) << "run " << run << " did not slow the connection";
    slow_before = slow.load();
    EXPECT_EQ(holder.leased(), 0u) << "run " << run << " left its fault on the proxy";
  }
  done = true;
  pinger.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(echo.resets(), 0);
  EXPECT_EQ(echo.accepted(), 1) << "the connection was re-established";
  EXPECT_GT(exchanges.load(), 50);
  const milliseconds after = client.echo_rtt();
  EXPECT_GE(after.count(), 0);
  EXPECT_LT(after.count(), 100);
}

TEST(StandingProcessTest, SigkilledRunLeavesACleanPassthroughWithinItsLease) {
  TempDir dir;
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t listen = unused_loopback_port();
  ProxyProcess holder(dir, R"({"proxies": [{"name": "db", "listen": "127.0.0.1:)" +
                               std::to_string(listen) + R"(", "upstream": "127.0.0.1:)" +
                               std::to_string(echo.port()) + R"("}]})");
  ASSERT_NE(holder.api_port(), 0) << holder.log();
  write_file(dir.file("long.lua"), attach_experiment(holder.url(), "200ms", "10m"));
  ChildProcess run(kChaosctl,
                   {"--db", dir.file("runs.db"), "run", "--proxy-api", holder.url(), dir.file("long.lua")},
                   dir.file("run.log"));
  Client client(listen);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(wait_for([&] { return client.echo_rtt().count() >= 200; }, seconds(30))) << run.log();
  ASSERT_EQ(holder.leased(), 1u);
  kill(run.pid(), SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  run.wait_exit(seconds(5));  // reaped: a zombie would still count as a live owner
  // The lease is 5 s, renewed every 1.7 s: the holder removes the fault within 5 s of the last
  // renewal (plus its 100 ms sweep).
  ASSERT_TRUE(wait_for([&] { return holder.leased() == 0; }, seconds(8))) << holder.log();
  const auto gone = std::chrono::steady_clock::now() - killed;
  EXPECT_LE(gone, milliseconds(5300));
  const milliseconds rtt = client.echo_rtt();  // the same connection, a passthrough again
  EXPECT_GE(rtt.count(), 0);
  EXPECT_LT(rtt.count(), 100);
  EXPECT_EQ(echo.resets(), 0);
  // The next start reconciles the dead run: its remote fault is looked for and it is marked.
  write_file(dir.file("short.lua"), attach_experiment(holder.url(), "1ms", "1s"));
  const CommandResult next = chaosctl_run(dir, holder.url(), dir.file("short.lua"));
  EXPECT_NE(next.output.find("removed remote fault 'latency-1' left by a controller that died: ok"),
            std::string::npos)
      << next.output;
  EXPECT_NE(next.output.find("marked interrupted"), std::string::npos) << next.output;
}

TEST(StandingProcessTest, ServeStartedRunsAttachInProcess) {
  TempDir dir;
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t listen = unused_loopback_port();
  const uint16_t api = unused_loopback_port();
  const uint16_t ui = unused_loopback_port();
  write_file(dir.file("proxies.json"), R"({"proxies": [{"name": "db", "listen": "127.0.0.1:)" +
                                           std::to_string(listen) + R"(", "upstream": "127.0.0.1:)" +
                                           std::to_string(echo.port()) + R"("}]})");
  const std::string api_url = "http://127.0.0.1:" + std::to_string(api);
  write_file(dir.file("attach.lua"), attach_experiment(api_url, "150ms", "2s"));
  ChildProcess serve(kChaosctl,
                     {"--db", dir.file("chaos.db"), "serve", "--listen", "127.0.0.1:" + std::to_string(ui),
                      "--token", "t0ken", "--proxies", dir.file("proxies.json"), "--api-listen",
                      "127.0.0.1:" + std::to_string(api), "--experiments", dir.file("attach.lua")},
                     dir.file("serve.log"));
  ASSERT_TRUE(wait_for([&] { return serve.log().find("serving http://") != std::string::npos; }, seconds(20)))
      << serve.log();
  Client client(listen);
  ASSERT_TRUE(client.connected());
  ASSERT_GE(client.echo_rtt().count(), 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(ui);
  const CommandResult started = run_command(
      {"/usr/bin/curl", "-s", "--noproxy", "*", "-H", "Authorization: Bearer t0ken", "-d",
       R"({"experiment":")" + dir.file("attach.lua") + "\"}", base + "/api/v1/runs"},
      {}, seconds(10));
  ASSERT_NE(started.output.find("run_id"), std::string::npos) << started.output << serve.log();
  const int64_t run_id = json::parse(started.output).as_object().at("run_id").as_int64();
  // While the run goes on, its latency acts on the standing proxy's open connection.
  EXPECT_TRUE(wait_for([&] { return client.echo_rtt().count() >= 150; }, seconds(20))) << serve.log();
  std::string verdict;
  ASSERT_TRUE(wait_for([&] {
    const CommandResult r = run_command({"/usr/bin/curl", "-s", "--noproxy", "*",
                                         base + "/api/v1/runs/" + std::to_string(run_id)},
                                        {}, seconds(5));
    boost::system::error_code ec;
    const json::value v = json::parse(r.output, ec);
    if (ec || !v.is_object()) return false;
    const json::value* run = v.as_object().if_contains("run");
    const json::object& o = run && run->is_object() ? run->as_object() : v.as_object();
    if (!o.contains("verdict") || !o.at("verdict").is_string()) return false;
    verdict = std::string(o.at("verdict").as_string());
    return !verdict.empty();
  }, seconds(40))) << serve.log();
  EXPECT_EQ(verdict, "passed") << serve.log();
  // In-process: no lease was taken, and the proxy is a passthrough again on the same connection.
  const CommandResult leased = run_command({"/usr/bin/curl", "-s", "--noproxy", "*", api_url + "/chaosctl/v1/faults"},
                                           {}, seconds(5));
  EXPECT_EQ(leased.output, "[]");
  const milliseconds rtt = client.echo_rtt();
  EXPECT_GE(rtt.count(), 0);
  EXPECT_LT(rtt.count(), 100);
  EXPECT_EQ(echo.accepted(), 1);
  EXPECT_EQ(echo.resets(), 0);
}

// npm's toxiproxy-node-client, unchanged, against chaosctl, with real PostgreSQL behind.
class ToxiproxyClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pg_ = new Postgres;
    pg_->error = start_postgres(*pg_);
    const CommandResult npm = run_command(
        {"/bin/bash", std::string(CHAOS_SOURCE_DIR) + "/tests/setup/toxiproxy-client.sh", kNpmDir}, {},
        seconds(180));
    if (npm.exit_code != 0) npm_error_ = "cannot install toxiproxy-node-client: " + npm.output;
  }
  static void TearDownTestSuite() {
    if (pg_->server) pg_->server->stop(SIGINT);
    delete pg_;
  }
  CommandResult node(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/node",
                                  std::string(CHAOS_SOURCE_DIR) + "/tests/proxies/toxiproxy_client.mjs"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, {"NODE_PATH=" + kNpmDir + "/node_modules"}, seconds(30));
  }
  // The median of a few query times: one round trip on an open connection, in ms.
  static double median_query_ms(uint16_t port) {
    std::vector<double> times;
    for (int i = 0; i < 5; ++i) times.push_back(psql_query_ms(port));
    std::sort(times.begin(), times.end());
    return times[2];
  }

  static inline Postgres* pg_ = nullptr;
  static inline std::string npm_error_;
  static inline const std::string kNpmDir = std::string(CHAOS_BIN_DIR) + "/../npm-test-deps";
};

TEST_F(ToxiproxyClientTest, LatencyToxicRaisesPsqlQueryTimeAndResetRemovesIt) {
  ASSERT_EQ(pg_->error, "");
  ASSERT_EQ(npm_error_, "");
  TempDir dir;
  ProxyProcess holder(dir, R"({"proxies": []})");
  ASSERT_NE(holder.api_port(), 0) << holder.log();
  const uint16_t listen = unused_loopback_port();
  const CommandResult created = node({holder.url(), "create", "pg", "127.0.0.1:" + std::to_string(listen),
                                      "127.0.0.1:" + std::to_string(pg_->port)});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_EQ(json::parse(created.output).as_object().at("listen"), json::value("127.0.0.1:" + std::to_string(listen)));
  const double before = median_query_ms(listen);
  ASSERT_GE(before, 0);
  const CommandResult toxic = node({holder.url(), "latency", "pg", "300"});
  ASSERT_EQ(toxic.exit_code, 0) << toxic.output;
  EXPECT_EQ(json::parse(toxic.output),
            json::parse(R"({"attributes":{"latency":300,"jitter":0},"name":"slow_db","stream":"downstream","toxicity":1,"type":"latency"})"));
  const double during = median_query_ms(listen);
  // The toxic holds each answer 300 ms from when the proxy reads it, so the query takes at least
  // 300 ms; part of the unfaulted time (psql's own, the hop to PostgreSQL) overlaps the hold, which
  // is why the difference to `before` can be a little under 300 (seen: 2.9 -> 300.7 ms).
  EXPECT_GE(during, 300.0) << before << " -> " << during;
  EXPECT_LT(during - before, 300.0 + 100.0) << before << " -> " << during;
  const CommandResult shown = node({holder.url(), "show", "pg"});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_EQ(json::parse(shown.output).as_object().at("toxics").as_array().size(), 1u);
  const CommandResult reset = node({holder.url(), "reset"});
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  const double after = median_query_ms(listen);
  EXPECT_LT(after, before + 50.0) << before << " -> " << after;
  EXPECT_EQ(json::parse(node({holder.url(), "show", "pg"}).output).as_object().at("toxics"), json::array());

  // curl against the documented shapes and codes.
  CommandResult r = holder.curl("POST", "/proxies", R"({"name":"pg","listen":"127.0.0.1:0","upstream":"127.0.0.1:1"})");
  EXPECT_EQ(http_status(r), 409);
  EXPECT_EQ(json::parse(http_body(r)), json::parse(R"({"error":"proxy already exists","status":409})"));
  r = holder.curl("POST", "/proxies/pg/toxics", R"({"type":"latency","attributes":{"latency":10}})");
  EXPECT_EQ(http_status(r), 200);
  r = holder.curl("GET", "/proxies/pg/toxics/latency_downstream");
  EXPECT_EQ(http_status(r), 200);
  EXPECT_EQ(json::parse(http_body(r)).as_object().at("type"), "latency");
  r = holder.curl("DELETE", "/proxies/pg/toxics/latency_downstream");
  EXPECT_EQ(http_status(r), 204);
  EXPECT_EQ(http_body(r), "");
  r = holder.curl("GET", "/proxies/nope");
  EXPECT_EQ(http_status(r), 404);
  r = holder.curl("POST", "/reset");
  EXPECT_EQ(http_status(r), 204);
  r = holder.curl("GET", "/version");
  EXPECT_EQ(http_status(r), 200);
  EXPECT_TRUE(json::parse(http_body(r)).as_object().contains("version"));
  // limit_data cuts a query's answer: what psql says (plugins/network/README.md pins it).
  r = holder.curl("POST", "/proxies/pg/toxics", R"({"type":"limit_data","attributes":{"bytes":2000}})");
  EXPECT_EQ(http_status(r), 200);
  const CommandResult cut = psql(listen, "select repeat('x', 100000)");
  EXPECT_EQ(cut.exit_code, 2) << cut.output;
  EXPECT_NE(cut.output.find("server closed the connection unexpectedly"), std::string::npos)
      << cut.output;
  r = holder.curl("DELETE", "/proxies/pg");
  EXPECT_EQ(http_status(r), 204);
  EXPECT_EQ(psql(listen, "select 1", 2).exit_code, 2);  // gone: connection refused
}

}  // namespace
}  // namespace chaos::test
