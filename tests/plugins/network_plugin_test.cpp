// The built-in network plugin, loaded with dlopen and driven only through the C ABI, against
// loopback peers on port 0. Timing assertions use generous bounds.

#include "network_fixture.h"

namespace chaos::testing {
namespace {

using std::chrono::seconds;

TEST_F(NetworkPluginTest, StampAndEntryDescribeTheKindsWithStrictSchemas) {
  ASSERT_NE(plugin_->stamp(), nullptr);
  EXPECT_EQ(plugin_->stamp()->magic, CHAOS_ABI_MAGIC);
  EXPECT_EQ(plugin_->stamp()->abi_major, CHAOS_ABI_MAJOR);
  const chaos_plugin* p = plugin_->plugin();
  EXPECT_EQ(p->struct_size, sizeof(chaos_plugin));
  EXPECT_STREQ(p->name, "network");
  EXPECT_EQ(p->kind_count, 5u);

  for (const char* name : {"proxy", "latency", "bandwidth", "outage", "http"}) {
    const chaos_fault_kind* k = kind(name);
    ASSERT_NE(k, nullptr) << name;
    EXPECT_GT(std::string(k->summary).size(), 10u);
    const json::object schema = json::parse(k->params_schema).as_object();
    EXPECT_EQ(schema.at("type"), "object") << name;
    EXPECT_EQ(schema.at("additionalProperties"), false) << name;
    const json::array& required = schema.at("required").as_array();
    EXPECT_NE(std::find(required.begin(), required.end(), json::value("listen")), required.end());
    EXPECT_NE(std::find(required.begin(), required.end(), json::value("upstream")), required.end());
    for (const auto& [field, property] : schema.at("properties").as_object()) {
      const json::object& prop = property.as_object();
      EXPECT_TRUE(prop.contains("description")) << name << "." << field;
      // The host validates the duration format; a pattern would only disagree with it.
      if (prop.contains("format") && prop.at("format") == "duration") {
        EXPECT_FALSE(prop.contains("pattern")) << name << "." << field;
      }
      // Addresses: the format checks the port range, the pattern this plugin's own rule (IP
      // literals and localhost only, so create never waits for DNS).
      if (field == "listen" || field == "upstream") {
        EXPECT_EQ(prop.at("format"), field == "listen" ? "listen-address" : "host-port")
            << name << "." << field;
        EXPECT_TRUE(prop.contains("pattern")) << name << "." << field;
      }
    }
    if (std::string(name) != "proxy") {
      // The controller passes each run's seed to kinds whose seed defaults to 0.
      EXPECT_EQ(schema.at("properties").at("seed").at("default"), 0) << name;
      EXPECT_NE(k->update, nullptr) << name;
    }
  }
  const json::object latency = json::parse(kind("latency")->params_schema).as_object();
  EXPECT_EQ(latency.at("properties").at("delay").at("format"), "duration");
  // The cap create enforces, in the schema too, so validate refuses what create would.
  for (const char* field : {"delay", "jitter", "first_byte_delay"})
    EXPECT_EQ(latency.at("properties").at(field).at("formatMaximum"), "10m") << field;
  EXPECT_EQ(latency.at("properties").at("jitter").at("default"), "0ms");
  EXPECT_EQ(latency.at("properties").at("direction").at("default"), "downstream");
  EXPECT_EQ(latency.at("properties").at("probability").at("default"), 1);
  EXPECT_NE(std::string(latency.at("description").as_string()).find("handshake"),
            std::string::npos);
  EXPECT_EQ(kind("proxy")->update, nullptr);  // no update: the host knows up front
}

TEST_F(NetworkPluginTest, ProxyPassesBytesThroughAndCountsThem) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto proxy = make("proxy", params(0, echo.port()));
  ASSERT_EQ(proxy->start().status, CHAOS_OK);
  Client client(bound_port(*proxy));
  ASSERT_TRUE(client.connected());
  const auto rtt = client.echo_rtt();
  EXPECT_GE(rtt.count(), 0);
  EXPECT_LT(rtt, milliseconds(150));

  // Bytes count once written, which the client may see before the proxy's handler runs.
  EXPECT_TRUE(
      eventually([&] { return status_of(*proxy).at("bytes_from_upstream") == 32; }, seconds(2)));
  json::object status = status_of(*proxy);
  EXPECT_EQ(status.at("active"), true);
  EXPECT_EQ(status.at("connections_opened"), 1);
  EXPECT_EQ(status.at("bytes_to_upstream"), 32);
  EXPECT_EQ(status.at("chunks_delayed"), 0);

  // stop ends the fault's reporting, not the path: an open connection keeps working.
  ASSERT_EQ(proxy->stop().status, CHAOS_OK);
  EXPECT_GE(client.echo_rtt().count(), 0);
}

TEST_F(NetworkPluginTest, LatencyOnARunningProxyRaisesTheEchoRoundTripByTheDelay) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto proxy = make("proxy", params(0, echo.port()));
  ASSERT_EQ(proxy->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*proxy);
  Client client(port);
  ASSERT_TRUE(client.connected());
  const auto before = client.echo_rtt();
  EXPECT_LT(before, milliseconds(150));

  auto latency = make("latency", params(port, echo.port(), R"(,"delay":"200ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  const auto rtt = client.echo_rtt();
  std::cout << "[ observed ] echo round trip " << before.count() << " ms, with 200ms latency "
            << rtt.count() << " ms\n";
  EXPECT_GE(rtt, milliseconds(195));
  EXPECT_LT(rtt, seconds(1));
  EXPECT_TRUE(eventually([&] { return status_of(*latency).at("chunks_delayed").as_int64() >= 1; },
                         seconds(2)));
  EXPECT_EQ(status_of(*latency).at("listen").as_string(), "127.0.0.1:" + std::to_string(port));
}

TEST_F(NetworkPluginTest, StopRemovesTheDelayOnTheSameOpenConnection) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto latency = make("latency", params(0, echo.port(), R"(,"delay":"200ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);  // no proxy ran: the latency starts its own
  Client client(bound_port(*latency));
  ASSERT_TRUE(client.connected());
  EXPECT_GE(client.echo_rtt(), milliseconds(195));

  ASSERT_EQ(latency->stop().status, CHAOS_OK);
  const auto after = client.echo_rtt();
  EXPECT_GE(after.count(), 0);
  EXPECT_LT(after, milliseconds(150));
  EXPECT_EQ(status_of(*latency).at("connections_opened"), 1);  // the same connection
}

TEST_F(NetworkPluginTest, UpdateChangesTheDelayLiveOnAnOpenConnection) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto latency = make("latency", params(0, echo.port(), R"(,"delay":"100ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*latency);
  Client client(port);
  ASSERT_TRUE(client.connected());
  const auto first = client.echo_rtt();
  EXPECT_GE(first, milliseconds(95));
  EXPECT_LT(first, seconds(1));

  ASSERT_EQ(latency->update(params(0, echo.port(), R"(,"delay":"400ms")")).status, CHAOS_OK);
  const auto longer = client.echo_rtt();
  EXPECT_GE(longer, milliseconds(395));
  EXPECT_LT(longer, milliseconds(1500));

  ASSERT_EQ(latency->update(params(0, echo.port(), R"(,"delay":"0ms")")).status, CHAOS_OK);
  EXPECT_LT(client.echo_rtt(), milliseconds(150));
  EXPECT_EQ(status_of(*latency).at("delay"), "0ms");

  // Listen and upstream are the fault's identity; an update cannot move it.
  const CallResult moved = latency->update(params(0, closed_port(), R"(,"delay":"1ms")"));
  EXPECT_EQ(moved.status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_NE(moved.message.find("upstream"), std::string::npos) << moved.message;
}

TEST_F(NetworkPluginTest, LargeDownloadThroughADelayArrivesCompleteInOrderAndPaysTheDelayOnce) {
  constexpr uint64_t kBytes = 20ull << 20;
  LoopbackServer source(LoopbackServer::Mode::kSource, kBytes);
  auto latency = make("latency", params(0, source.port(), R"(,"delay":"0ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*latency);
  const Download baseline = download(port);
  EXPECT_EQ(baseline.bytes, kBytes);

  ASSERT_EQ(latency->update(params(0, source.port(), R"(,"delay":"50ms")")).status, CHAOS_OK);
  const Download delayed = download(port);
  EXPECT_EQ(delayed.end, Client::Read::kEof);
  EXPECT_EQ(delayed.bytes, kBytes);
  EXPECT_EQ(delayed.mismatches, 0u);

  const int64_t chunks = status_of(*latency).at("chunks_delayed").as_int64();
  std::cout << "[ observed ] 20 MiB download: " << baseline.elapsed.count() << " ms without delay, "
            << delayed.elapsed.count() << " ms through 50ms; " << chunks
            << " delayed chunks (one delay each would be " << chunks * 50 << " ms)\n";
  EXPECT_GE(delayed.elapsed, milliseconds(50));
  EXPECT_GT(chunks, 20);
  EXPECT_LT(delayed.elapsed.count(), chunks * 50 / 4);  // far less than one delay per chunk
  EXPECT_LT(delayed.elapsed, seconds(10));
}

TEST_F(NetworkPluginTest, LargeUploadThroughAnUpstreamDelayArrivesComplete) {
  constexpr uint64_t kBytes = 20ull << 20;
  LoopbackServer sink(LoopbackServer::Mode::kSink);
  auto latency =
      make("latency", params(0, sink.port(), R"(,"delay":"50ms","direction":"upstream")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  Client client(bound_port(*latency));
  ASSERT_TRUE(client.connected());

  const auto start = Clock::now();
  std::vector<uint8_t> block(256 * 1024);
  uint64_t hash = kFnvBasis;
  for (uint64_t offset = 0; offset < kBytes; offset += block.size()) {
    for (size_t i = 0; i < block.size(); ++i) block[i] = pattern_byte(offset + i);
    hash = fnv1a(hash, block.data(), block.size());
    ASSERT_TRUE(client.send_all(block.data(), block.size(), start + seconds(30)));
  }
  client.shutdown_send();
  uint64_t summary[2] = {0, 0};
  ASSERT_TRUE(client.read_exact(summary, sizeof summary, start + seconds(30)));
  const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  EXPECT_EQ(summary[0], kBytes);
  EXPECT_EQ(summary[1], hash);
  std::cout << "[ observed ] 20 MiB upload through 50ms upstream delay: " << elapsed.count()
            << " ms\n";
  EXPECT_LT(elapsed, seconds(10));
}

TEST_F(NetworkPluginTest, CreateRejectsBadParamsWithAMessageNamingTheField) {
  struct Case {
    const char* kind;
    std::string params;
    const char* field;
  };
  const std::string ok = R"("listen":"127.0.0.1:0","upstream":"127.0.0.1:9")";
  const Case cases[] = {
      {"proxy", R"({"listen":"127.0.0.1:0"})", "upstream"},
      {"latency", R"({"listen":"127.0.0.1:0","delay":"200ms"})", "upstream"},
      {"latency", "{" + ok + "}", "delay"},
      {"latency", "{" + ok + R"(,"delay":"5 parsecs"})", "delay"},
      {"latency", "{" + ok + R"(,"delay":"200"})", "delay"},  // a bare number has no unit
      {"latency", "{" + ok + R"(,"delay":"200ms","jitter":"-5ms"})", "jitter"},
      {"latency", "{" + ok + R"(,"delay":"11m"})", "delay"},
      {"latency", "{" + ok + R"(,"delay":"1ms","direction":"sideways"})", "direction"},
      {"latency", "{" + ok + R"(,"delay":"1ms","seed":-1})", "seed"},
      {"latency", "{" + ok + R"(,"delay":"1ms","dealy":"2ms"})", "dealy"},
      {"proxy", R"({"listen":"db:5432","upstream":"127.0.0.1:9"})", "listen"},
      {"proxy", R"({"listen":"127.0.0.1:70000","upstream":"127.0.0.1:9"})", "listen"},
      {"proxy", R"({"listen":"127.0.0.1:0","upstream":"127.0.0.1:0"})", "upstream"},
      {"proxy", R"({"listen":"127.0.0.1:0","upstream":5432})", "upstream"},
      {"latency", "{" + ok + R"(,"delay":"1ms","probability":1.5})", "probability"},
      {"latency", "{" + ok + R"(,"delay":"1ms","first_byte_delay":"soon"})", "first_byte_delay"},
      {"bandwidth", "{" + ok + "}", "rate"},
      {"bandwidth", "{" + ok + R"(,"rate":0})", "rate"},
      {"bandwidth", "{" + ok + R"(,"rate":1.5})", "rate"},
      {"outage", "{" + ok + "}", "mode"},
      {"outage", "{" + ok + R"(,"mode":"explode"})", "mode"},
      {"outage", "{" + ok + R"(,"mode":"refuse","probability":0.5})", "probability"},
      {"outage", "{" + ok + R"(,"mode":"blackhole","delay":"1s"})", "delay"},
      {"outage", "{" + ok + R"(,"mode":"timeout"})", "delay"},
      {"outage", "{" + ok + R"(,"mode":"slow_close"})", "delay"},
      {"outage", "{" + ok + R"(,"mode":"reset","existing":"yes"})", "existing"},
      {"http", "{" + ok + "}", "status"},
      {"http", "{" + ok + R"(,"status":99})", "status"},
      {"http", "{" + ok + R"(,"status":503,"path_prefix":"api"})", "path_prefix"},
      {"http", "{" + ok + R"(,"status":503,"method":"get"})", "method"},
      {"http", "{" + ok + R"(,"status":503,"delay":"-1s"})", "delay"},
  };
  for (const Case& c : cases) {
    FaultHandle f(kind(c.kind), host_, c.params);
    EXPECT_EQ(f.created().status, CHAOS_ERR_INVALID_PARAMS) << c.params;
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(f.created().message.rfind(c.field, 0), 0u)
        << c.params << " -> " << f.created().message;
  }
  FaultHandle malformed(kind("proxy"), host_, R"({"listen": )");
  EXPECT_EQ(malformed.created().status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_NE(malformed.created().message.find("malformed JSON"), std::string::npos);
}

TEST_F(NetworkPluginTest, UnreachableUpstreamClosesTheClientAndLogsAWarning) {
  const uint16_t dead = closed_port();
  auto proxy = make("proxy", params(0, dead));
  ASSERT_EQ(proxy->start().status, CHAOS_OK);
  Client client(bound_port(*proxy));
  ASSERT_TRUE(client.connected());
  char byte;
  size_t got = 0;
  const Client::Read r = client.read_some(&byte, 1, &got, Clock::now() + seconds(5));
  EXPECT_TRUE(r == Client::Read::kEof || r == Client::Read::kError);

  const std::string upstream = "127.0.0.1:" + std::to_string(dead);
  EXPECT_TRUE(host_.wait_for_log(CHAOS_LOG_WARN, upstream, seconds(5)));
  EXPECT_EQ(status_of(*proxy).at("upstream_errors"), 1);
  EXPECT_EQ(status_of(*proxy).at("connections_active"), 0);
  bool event = false;
  for (const auto& e : host_.events()) event = event || e.kind == "upstream_error";
  EXPECT_TRUE(event);

  // Repeats within the rate-limit interval are counted, not logged.
  for (int i = 0; i < 3; ++i) {
    Client again(bound_port(*proxy));
    again.read_some(&byte, 1, &got, Clock::now() + seconds(5));
  }
  EXPECT_EQ(status_of(*proxy).at("upstream_errors"), 4);
  int warnings = 0;
  for (const auto& l : host_.logs()) warnings += l.level == CHAOS_LOG_WARN;
  EXPECT_EQ(warnings, 1);
}

TEST_F(NetworkPluginTest, MetricsAreEmittedThroughTheHostEverySecondWhileActive) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto proxy = make("proxy", params(0, echo.port()));
  ASSERT_EQ(proxy->start().status, CHAOS_OK);
  for (const char* name : {"connections_opened", "connections_active", "bytes_to_upstream",
                           "bytes_from_upstream", "chunks_delayed", "upstream_errors"}) {
    EXPECT_TRUE(host_.wait_for_metric(name, seconds(3))) << name;
  }
  auto samples = [&] {
    size_t n = 0;
    for (const auto& m : host_.metrics()) n += m.name == "connections_opened";
    return n;
  };
  const auto first = Clock::now();
  EXPECT_TRUE(host_.wait_until([&] { return samples_locked(host_) >= 2; }, seconds(3)));
  const auto second = Clock::now() - first;
  EXPECT_GE(second, milliseconds(500));  // about one interval, not a busy loop

  ASSERT_EQ(proxy->stop().status, CHAOS_OK);
  const size_t after_stop = samples();
  EXPECT_FALSE(
      host_.wait_until([&] { return samples_locked(host_) > after_stop; }, milliseconds(1500)));
}

TEST_F(NetworkPluginTest, StartTwiceIsAStateErrorAndStopTwiceIsSafe) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto latency = make("latency", params(0, echo.port(), R"(,"delay":"10ms")"));
  EXPECT_EQ(latency->stop().status, CHAOS_OK);  // stop without start
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  EXPECT_EQ(latency->start().status, CHAOS_ERR_STATE);
  EXPECT_EQ(latency->stop().status, CHAOS_OK);
  EXPECT_EQ(latency->stop().status, CHAOS_OK);
  EXPECT_EQ(latency->start().status, CHAOS_OK);  // and again after a stop
  EXPECT_EQ(status_of(*latency).at("active"), true);
}

TEST_F(NetworkPluginTest, DestroyWhileRunningWithAStalledPeerIsPromptAndFreesThePort) {
  LoopbackServer source(LoopbackServer::Mode::kSource, 64ull << 20);
  auto latency = make("latency", params(0, source.port(), R"(,"delay":"20ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*latency);
  Client stalled(port);  // never reads: the proxy's buffers and the source fill up
  ASSERT_TRUE(stalled.connected());
  ASSERT_TRUE(eventually(
      [&] { return status_of(*latency).at("bytes_from_upstream").as_int64() > 0; }, seconds(5)));

  const auto start = Clock::now();
  latency->destroy();
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  std::cout << "[ observed ] destroy with a stalled peer took " << took.count() << " ms\n";
  EXPECT_LT(took, seconds(2));

  // The port is free again: a new proxy can take it.
  auto again = make("proxy", params(port, source.port()));
  EXPECT_EQ(again->start().status, CHAOS_OK) << "port " << port;
}

TEST_F(NetworkPluginTest, FaultsOnOneListenAddressShareOneProxyAndKeepItUntilTheLastIsDestroyed) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto proxy = make("proxy", params(0, echo.port()));
  ASSERT_EQ(proxy->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*proxy);

  auto conflicting = make("latency", params(port, closed_port(), R"(,"delay":"10ms")"));
  const CallResult refused = conflicting->start();
  EXPECT_EQ(refused.status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_NE(refused.message.find("already forwards"), std::string::npos) << refused.message;

  auto latency = make("latency", params(port, echo.port(), R"(,"delay":"100ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  Client client(port);
  ASSERT_TRUE(client.connected());
  proxy->destroy();  // the latency still holds the proxy: the connection lives on
  const auto rtt = client.echo_rtt();
  EXPECT_GE(rtt, milliseconds(95));
  EXPECT_LT(rtt, seconds(1));
}

TEST_F(NetworkPluginTest, JitterWithASeedStaysWithinDelayPlusOrMinusJitter) {
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto latency =
      make("latency", params(0, echo.port(), R"(,"delay":"100ms","jitter":"50ms","seed":42)"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  Client client(bound_port(*latency));
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 5; ++i) {
    const auto rtt = client.echo_rtt();
    EXPECT_GE(rtt, milliseconds(45));
    EXPECT_LT(rtt, seconds(1));
  }
  EXPECT_EQ(status_of(*latency).at("seed"), 42);
}

}  // namespace
}  // namespace chaos::testing
