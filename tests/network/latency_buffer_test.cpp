// Buffering under latency: a transfer through a delay holds what is in flight (rate x delay)
// instead of being capped at 4 MiB / delay, within the proxy's max_buffer; a small budget caps
// it visibly (buffer_backpressure); a slow receiver gets backpressure, not a bigger buffer; the
// memory goes back when the queues drain. Assertions are on bytes and the proxy's counters;
// times are printed, and only lower bounds (which load cannot break) are asserted.

#include "plugins/network_fixture.h"

namespace chaos::testing {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
constexpr uint64_t kOldCap = 4 * kMiB;      // per direction and connection, before max_buffer
constexpr uint64_t kReadSlack = 64 * 1024;  // a read that starts below the limit may pass it

class LatencyBufferTest : public NetworkPluginTest {
 protected:
  static uint64_t counter(FaultHandle& f, const char* name) {
    return status_of(f).at(name).to_number<uint64_t>();
  }
  // Every queue drained: nothing held, every growth given back.
  static bool drained(FaultHandle& f) {
    return counter(f, "buffered_bytes") == 0 && counter(f, "buffer_grown_bytes") == 0;
  }
  static double mb_per_s(const Download& d) {
    return static_cast<double>(d.bytes) / 1e3 / std::max<int64_t>(1, d.elapsed.count());
  }
};

TEST_F(LatencyBufferTest, ABulkTransferThroughADelayHoldsWhatIsInFlightInsteadOfBeingCapped) {
  constexpr uint64_t kBytes = 256 * kMiB;
  LoopbackServer source(LoopbackServer::Mode::kSource, kBytes);
  // 500 ms, so that even a loaded CI machine moving only ~20 MB/s has more than twice the old
  // cap in flight: what is asserted is the growth, not this machine's speed.
  auto latency = make("latency", params(0, source.port(), R"(,"delay":"500ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  EXPECT_EQ(counter(*latency, "max_buffer"), 256 * kMiB);  // the default
  const Download d = download(bound_port(*latency));
  EXPECT_EQ(d.end, Client::Read::kEof);
  EXPECT_EQ(d.bytes, kBytes);
  EXPECT_EQ(d.mismatches, 0u);  // an order-sensitive pattern: every byte checked

  const uint64_t peak = counter(*latency, "buffered_bytes_peak");
  std::cout << "[ observed ] 256 MiB through 500ms: " << d.elapsed.count() << " ms, " << mb_per_s(d)
            << " MB/s (a fixed 4 MiB buffer caps it at " << kOldCap / 1e6 / 0.5
            << " MB/s); held at most " << peak / kMiB << " MiB in "
            << counter(*latency, "buffer_growths") << " growths, "
            << counter(*latency, "buffer_backpressure") << " budget pauses\n";
  // Holding 2x the old cap in flight through the delay is 2x its throughput while it lasted.
  EXPECT_GE(peak, 2 * kOldCap);
  EXPECT_LE(peak, kOldCap + 256 * kMiB + kReadSlack);
  EXPECT_GE(counter(*latency, "buffer_growths"), 1u);
  EXPECT_TRUE(eventually([&] { return drained(*latency); }, seconds(5)));
}

TEST_F(LatencyBufferTest, ASmallMaxBufferCapsTheTransferAndCountsTheBackpressure) {
  constexpr uint64_t kBytes = 40 * kMiB;
  LoopbackServer source(LoopbackServer::Mode::kSource, kBytes);
  auto latency =
      make("latency", params(0, source.port(), R"(,"delay":"100ms","max_buffer":1048576)"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  const Download d = download(bound_port(*latency));
  EXPECT_EQ(d.end, Client::Read::kEof);
  EXPECT_EQ(d.bytes, kBytes);
  EXPECT_EQ(d.mismatches, 0u);

  const uint64_t peak = counter(*latency, "buffered_bytes_peak");
  std::cout << "[ observed ] 40 MiB through 100ms with max_buffer 1 MiB: " << d.elapsed.count()
            << " ms, " << mb_per_s(d) << " MB/s; held at most " << peak / 1024 << " KiB, "
            << counter(*latency, "buffer_backpressure") << " budget pauses\n";
  // 4 MiB of its own plus the 1 MiB budget, overshot by at most one read.
  EXPECT_LE(peak, kOldCap + kMiB + kReadSlack);
  EXPECT_GE(counter(*latency, "buffer_backpressure"), 1u);
  // At most ~5 MiB per 100 ms: the 40 MiB take at least seven delays (load only slows it).
  EXPECT_GE(d.elapsed, milliseconds(600));
  EXPECT_TRUE(eventually([&] { return drained(*latency); }, seconds(5)));
}

TEST_F(LatencyBufferTest, ASlowReceiverGetsBackpressureNotABiggerBuffer) {
  constexpr uint64_t kBytes = 96 * kMiB;
  LoopbackServer source(LoopbackServer::Mode::kSource, kBytes);
  auto latency = make("latency", params(0, source.port(), R"(,"delay":"50ms")"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  Client client(bound_port(*latency));
  ASSERT_TRUE(client.connected());
  // Not reading: the first 50 ms are the delay's (the buffer may grow); after that the bytes
  // wait for the receiver, and the buffer must stay as it is.
  std::this_thread::sleep_for(milliseconds(600));
  const uint64_t growths = counter(*latency, "buffer_growths");
  const uint64_t peak = counter(*latency, "buffered_bytes_peak");
  std::this_thread::sleep_for(milliseconds(1000));
  EXPECT_EQ(counter(*latency, "buffer_growths"), growths);
  EXPECT_EQ(counter(*latency, "buffered_bytes_peak"), peak);
  std::cout << "[ observed ] a receiver that does not read: held " << peak / kMiB << " MiB, "
            << growths << " growths, none after the delay\n";

  std::vector<uint8_t> buffer(256 * 1024);
  uint64_t bytes = 0, mismatches = 0;
  size_t got = 0;
  const auto deadline = Clock::now() + seconds(30);
  while (client.read_some(buffer.data(), buffer.size(), &got, deadline) == Client::Read::kData) {
    for (size_t i = 0; i < got; ++i) mismatches += buffer[i] != pattern_byte(bytes + i);
    bytes += got;
  }
  EXPECT_EQ(bytes, kBytes);
  EXPECT_EQ(mismatches, 0u);
  EXPECT_TRUE(eventually([&] { return drained(*latency); }, seconds(5)));
}

TEST_F(LatencyBufferTest, MaxBufferIsValidatedAndReported) {
  const std::string base = R"(,"delay":"10ms","max_buffer":)";
  for (const char* bad : {"-1", "1.5", "\"256MiB\"", "17179869185"}) {
    FaultHandle f(kind("latency"), host_, params(0, 9, base + bad));
    EXPECT_EQ(f.created().status, CHAOS_ERR_INVALID_PARAMS) << bad;
    EXPECT_NE(f.created().message.find("max_buffer"), std::string::npos) << f.created().message;
  }
  LoopbackServer echo(LoopbackServer::Mode::kEcho);
  auto latency = make("latency", params(0, echo.port(), base + "0"));
  ASSERT_EQ(latency->start().status, CHAOS_OK);
  EXPECT_EQ(counter(*latency, "max_buffer"), 0u);
  ASSERT_EQ(latency->update(params(0, echo.port(), base + "1048576")).status, CHAOS_OK);
  EXPECT_EQ(counter(*latency, "max_buffer"), kMiB);
  const json::object schema = json::parse(kind("latency")->params_schema).as_object();
  EXPECT_EQ(schema.at("properties").at("max_buffer").at("default"), 256 * kMiB);
}

}  // namespace
}  // namespace chaos::testing
