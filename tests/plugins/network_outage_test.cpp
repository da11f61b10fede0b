// The outage kind through the C ABI, against loopback peers: what a client sees in each mode,
// that only the connections a fault selects are touched, and that stop undoes it.

#include <cerrno>

#include "network_fixture.h"

namespace chaos::testing {
namespace {

class OutageTest : public NetworkPluginTest {
 protected:
  // A started passthrough proxy in front of `upstream_port`; returns its port.
  uint16_t start_proxy(uint16_t upstream_port) {
    proxy_ = make("proxy", params(0, upstream_port));
    EXPECT_EQ(proxy_->start().status, CHAOS_OK);
    return bound_port(*proxy_);
  }
  std::unique_ptr<FaultHandle> outage(uint16_t port, uint16_t upstream, const std::string& extra) {
    auto f = make("outage", params(port, upstream, extra));
    const CallResult started = f->start();
    EXPECT_EQ(started.status, CHAOS_OK) << started.message;
    return f;
  }
  static int64_t field(FaultHandle& f, const char* name) {
    return status_of(f).at(name).to_number<int64_t>();
  }
  // Reads until the connection ends; kEof (FIN), kError (see client.error()) or kTimeout.
  static Client::Read read_to_end(Client& client, milliseconds timeout) {
    char buffer[4096];
    size_t got = 0;
    const auto deadline = Clock::now() + timeout;
    Client::Read r;
    while ((r = client.read_some(buffer, sizeof buffer, &got, deadline)) == Client::Read::kData) {
    }
    return r;
  }

  std::unique_ptr<FaultHandle> proxy_;
};

TEST_F(OutageTest, RefuseClosesTheListenerSoNewConnectionsAreRefusedAndStopOpensItAgain) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t port = start_proxy(echo.port());
  Client open(port);
  ASSERT_TRUE(open.connected());
  ASSERT_GE(open.echo_rtt().count(), 0);

  auto refuse = outage(port, echo.port(), R"(,"mode":"refuse")");
  Client refused(port);
  EXPECT_FALSE(refused.connected());
  EXPECT_EQ(refused.error(), ECONNREFUSED);
  EXPECT_EQ(status_of(*refuse).at("listening"), false);
  EXPECT_GE(open.echo_rtt().count(), 0);  // existing = false: open connections carry on

  ASSERT_EQ(refuse->stop().status, CHAOS_OK);
  Client again(port);
  ASSERT_TRUE(again.connected());
  EXPECT_GE(again.echo_rtt().count(), 0);
  EXPECT_EQ(status_of(*refuse).at("listening"), true);
}

TEST_F(OutageTest, RefuseWithExistingAlsoResetsTheOpenConnections) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t port = start_proxy(echo.port());
  Client open(port);
  ASSERT_GE(open.echo_rtt().count(), 0);
  auto refuse = outage(port, echo.port(), R"(,"mode":"refuse","existing":true)");
  EXPECT_EQ(read_to_end(open, seconds(2)), Client::Read::kError);
  EXPECT_EQ(open.error(), ECONNRESET);
  EXPECT_EQ(field(*refuse, "connections_reset"), 1);
}

TEST_F(OutageTest, ResetSendsARealRstToAlreadyOpenConnectionsBothWays) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t port = start_proxy(echo.port());
  Client open(port);
  ASSERT_GE(open.echo_rtt().count(), 0);

  auto reset = outage(port, echo.port(), R"(,"mode":"reset","existing":true)");
  EXPECT_EQ(read_to_end(open, seconds(2)), Client::Read::kError);
  EXPECT_EQ(open.error(), ECONNRESET);
  EXPECT_TRUE(eventually([&] { return echo.resets() == 1; }, seconds(2)))
      << "the dependency's side should see an RST too";
  EXPECT_EQ(field(*reset, "connections_reset"), 1);
  EXPECT_EQ(field(*reset, "connections_active"), 0);
}

TEST_F(OutageTest, ResetOfNewConnectionsNeverReachesTheDependencyAndSparesOpenOnes) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t port = start_proxy(echo.port());
  Client open(port);
  ASSERT_GE(open.echo_rtt().count(), 0);
  auto reset = outage(port, echo.port(), R"(,"mode":"reset")");

  // The kernel completed the handshake before the proxy saw the connection, so the RST comes
  // after connect() (or, on a fast loopback, while a non-blocking connect is still polled).
  Client fresh(port);
  EXPECT_TRUE(was_reset(fresh));
  EXPECT_EQ(echo.accepted(), 1);  // only `open` ever reached it
  EXPECT_GE(open.echo_rtt().count(), 0);

  ASSERT_EQ(reset->stop().status, CHAOS_OK);
  Client after(port);
  EXPECT_GE(after.echo_rtt().count(), 0);
}

TEST_F(OutageTest, ResetAtProbabilityZeroChangesNothingAboutNormalCloses) {
  constexpr uint64_t kBytes = 1 << 20;
  LoopbackServer source(LoopbackServer::Mode::kSource, kBytes);
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto reset_source = make(
      "outage", params(0, source.port(), R"(,"mode":"reset","probability":0,"existing":true)"));
  ASSERT_EQ(reset_source->start().status, CHAOS_OK);
  auto reset_echo =
      make("outage", params(0, echo.port(), R"(,"mode":"reset","probability":0,"existing":true)"));
  ASSERT_EQ(reset_echo->start().status, CHAOS_OK);

  // The dependency closes: the client gets every byte, then a FIN.
  const Download d = download(bound_port(*reset_source));
  EXPECT_EQ(d.bytes, kBytes);
  EXPECT_EQ(d.mismatches, 0u);
  EXPECT_EQ(d.end, Client::Read::kEof);

  // The client closes: the dependency gets a FIN, not an RST.
  {
    Client client(bound_port(*reset_echo));
    ASSERT_GE(client.echo_rtt().count(), 0);
  }
  EXPECT_TRUE(
      eventually([&] { return field(*reset_echo, "connections_active") == 0; }, seconds(2)));
  EXPECT_EQ(echo.resets(), 0);
  EXPECT_EQ(field(*reset_echo, "connections_reset"), 0);
  EXPECT_EQ(field(*reset_source, "connections_reset"), 0);
}

TEST_F(OutageTest, ResetWithAProbabilityHitsThatFractionAndTheSameConnectionsForTheSameSeed) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto run = [&] {
    auto reset =
        make("outage", params(0, echo.port(), R"(,"mode":"reset","probability":0.3,"seed":1234)"));
    EXPECT_EQ(reset->start().status, CHAOS_OK);
    std::string pattern;
    for (int i = 0; i < 60; ++i) {
      Client c(bound_port(*reset));
      pattern += was_reset(c) ? 'R' : '.';
    }
    EXPECT_TRUE(eventually([&] { return field(*reset, "connections_active") == 0; }, seconds(2)));
    EXPECT_EQ(field(*reset, "connections_reset"),
              static_cast<int64_t>(std::count(pattern.begin(), pattern.end(), 'R')));
    return pattern;
  };
  const std::string first = run();
  const std::string second = run();
  std::cout << "[ observed ] resets at p=0.3, seed 1234: " << first << "\n";
  const auto resets = std::count(first.begin(), first.end(), 'R');
  EXPECT_GE(resets, 8);
  EXPECT_LE(resets, 30);
  EXPECT_EQ(first, second);
}

TEST_F(OutageTest, ResetAfterADelayLetsEachConnectionWorkUntilThen) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto reset = make("outage", params(0, echo.port(), R"(,"mode":"reset","delay":"400ms")"));
  ASSERT_EQ(reset->start().status, CHAOS_OK);
  const auto opened = Clock::now();
  Client client(bound_port(*reset));
  EXPECT_GE(client.echo_rtt().count(), 0);
  EXPECT_EQ(read_to_end(client, seconds(3)), Client::Read::kError);
  EXPECT_EQ(client.error(), ECONNRESET);
  EXPECT_GE(Clock::now() - opened, milliseconds(380));
}

TEST_F(OutageTest, BlackholeAcceptsButForwardsNothingUntilStopThenTheBytesFlow) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t port = start_proxy(echo.port());
  Client open(port);
  ASSERT_GE(open.echo_rtt().count(), 0);
  auto hole = outage(port, echo.port(), R"(,"mode":"blackhole")");

  Client held(port);
  ASSERT_TRUE(held.connected());
  EXPECT_EQ(held.echo_rtt(milliseconds(500)).count(), -1);  // the client's own timeout
  EXPECT_EQ(echo.accepted(), 1);                            // the dependency never heard of it
  EXPECT_GE(open.echo_rtt().count(), 0);                    // existing = false

  ASSERT_EQ(hole->stop().status, CHAOS_OK);
  // The held ping goes on now: its echo is what the client reads next.
  char reply[32];
  EXPECT_TRUE(held.read_exact(reply, sizeof reply, Clock::now() + seconds(2)));
  EXPECT_EQ(echo.accepted(), 2);
}

TEST_F(OutageTest, BlackholeWithExistingHoldsOpenConnectionsBothWays) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  const uint16_t port = start_proxy(echo.port());
  Client open(port);
  ASSERT_GE(open.echo_rtt().count(), 0);
  auto hole = outage(port, echo.port(), R"(,"mode":"blackhole","existing":true)");
  EXPECT_EQ(open.echo_rtt(milliseconds(400)).count(), -1);
  EXPECT_EQ(field(*hole, "connections_affected"), 1);
  ASSERT_EQ(hole->stop().status, CHAOS_OK);
  char reply[32];
  EXPECT_TRUE(open.read_exact(reply, sizeof reply, Clock::now() + seconds(2)));
  EXPECT_GE(open.echo_rtt().count(), 0);
}

TEST_F(OutageTest, TimeoutClosesASilentConnectionAfterTheDelay) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto timeout = make("outage", params(0, echo.port(), R"(,"mode":"timeout","delay":"300ms")"));
  ASSERT_EQ(timeout->start().status, CHAOS_OK);
  const auto opened = Clock::now();
  Client client(bound_port(*timeout));
  ASSERT_TRUE(client.connected());
  const char ping[4] = {'p', 'i', 'n', 'g'};
  ASSERT_TRUE(client.send_all(ping, sizeof ping, Clock::now() + seconds(1)));
  EXPECT_EQ(read_to_end(client, seconds(3)), Client::Read::kEof);  // nothing, then a FIN
  const auto closed_after = Clock::now() - opened;
  EXPECT_GE(closed_after, milliseconds(280));
  EXPECT_LT(closed_after, seconds(2));
  EXPECT_EQ(field(*timeout, "connections_timed_out"), 1);
  EXPECT_EQ(echo.accepted(), 0);
}

TEST_F(OutageTest, SlowCloseDeliversEveryByteAndThenTheCloseLate) {
  LoopbackServer source(LoopbackServer::Mode::kSource, 1000);
  auto slow = make("outage", params(0, source.port(), R"(,"mode":"slow_close","delay":"500ms")"));
  ASSERT_EQ(slow->start().status, CHAOS_OK);
  Client client(bound_port(*slow));
  std::vector<char> bytes(1000);
  ASSERT_TRUE(client.read_exact(bytes.data(), bytes.size(), Clock::now() + seconds(2)));
  const auto last_byte = Clock::now();
  EXPECT_EQ(read_to_end(client, seconds(3)), Client::Read::kEof);
  const auto held = Clock::now() - last_byte;
  EXPECT_GE(held, milliseconds(400));
  EXPECT_LT(held, seconds(2));
  EXPECT_EQ(field(*slow, "closes_delayed"), 1);
}

TEST_F(OutageTest, UpdateChangesTheProbabilityButNotTheMode) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto reset = make("outage", params(0, echo.port(), R"(,"mode":"reset","probability":0)"));
  ASSERT_EQ(reset->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*reset);
  Client spared(port);
  EXPECT_GE(spared.echo_rtt().count(), 0);

  ASSERT_EQ(reset->update(params(0, echo.port(), R"(,"mode":"reset","probability":1)")).status,
            CHAOS_OK);
  Client hit(port);
  EXPECT_TRUE(was_reset(hit));
  EXPECT_GE(spared.echo_rtt().count(), 0);  // judged when it opened: still spared

  const CallResult moved = reset->update(params(0, echo.port(), R"(,"mode":"blackhole")"));
  EXPECT_EQ(moved.status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(moved.message.rfind("mode", 0), 0u) << moved.message;
}

// The status says what the probability in force achieved: the connections it reset ÷ those it
// judged since it was set, counted again from zero by each update.
TEST_F(OutageTest, StatusGivesTheAchievedProbabilitySinceTheLastUpdate) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto reset =
      make("outage", params(0, echo.port(), R"(,"mode":"reset","probability":0.3,"seed":77)"));
  ASSERT_EQ(reset->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*reset);
  auto connect_some = [&](int n) {
    int resets = 0;
    for (int i = 0; i < n; ++i) {
      Client c(port);
      resets += was_reset(c) ? 1 : 0;
    }
    return resets;
  };
  const int first = connect_some(40);
  EXPECT_EQ(field(*reset, "judged_since_change"), 40);
  EXPECT_EQ(field(*reset, "affected_since_change"), first);
  EXPECT_DOUBLE_EQ(status_of(*reset).at("achieved_probability").to_number<double>(), first / 40.0);

  ASSERT_EQ(reset->update(params(0, echo.port(), R"(,"mode":"reset","probability":0.8,"seed":77)"))
                .status,
            CHAOS_OK);
  EXPECT_EQ(field(*reset, "judged_since_change"), 0);
  EXPECT_FALSE(status_of(*reset).contains("achieved_probability"));  // nothing judged yet
  const int second = connect_some(40);
  std::cout << "[ observed ] resets: " << first << "/40 at p=0.3, " << second << "/40 at p=0.8\n";
  EXPECT_EQ(field(*reset, "judged_since_change"), 40);
  EXPECT_EQ(field(*reset, "affected_since_change"), second);
  EXPECT_EQ(field(*reset, "connections_judged"), 80);
  EXPECT_GT(second, first);
  EXPECT_GE(second, 24);
}

}  // namespace
}  // namespace chaos::testing
