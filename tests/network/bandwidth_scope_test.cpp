// The bandwidth kind's scope: "connection" gives every connection the rate, "proxy" makes all
// the proxy's connections share it. Several concurrent downloads, totals over a window, wide
// margins (the rates are low, so CPU load does not decide the outcome).

#include <atomic>
#include <thread>
#include <vector>

#include "plugins/network_fixture.h"

namespace chaos::testing {
namespace {

constexpr uint64_t kRate = 256 * 1024;  // bytes/s
constexpr int kConnections = 4;
constexpr milliseconds kWindow{2000};

class BandwidthScopeTest : public NetworkPluginTest {
 protected:
  // Reads kConnections downloads through `port` at once for kWindow; bytes per connection.
  static std::vector<uint64_t> read_concurrently(uint16_t port) {
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < kConnections; ++i) clients.push_back(std::make_unique<Client>(port));
    std::vector<uint64_t> bytes(kConnections, 0);
    std::vector<std::thread> readers;
    const auto deadline = Clock::now() + kWindow;
    for (int i = 0; i < kConnections; ++i) {
      readers.emplace_back([&, i] {
        std::vector<uint8_t> buffer(64 * 1024);
        size_t got = 0;
        while (clients[i]->read_some(buffer.data(), buffer.size(), &got, deadline) ==
               Client::Read::kData) {
          bytes[i] += got;
        }
      });
    }
    for (std::thread& t : readers) t.join();
    return bytes;
  }
  static uint64_t total(const std::vector<uint64_t>& bytes) {
    uint64_t sum = 0;
    for (uint64_t b : bytes) sum += b;
    return sum;
  }
  static void print(const char* scope, const std::vector<uint64_t>& bytes) {
    std::cout << "[ observed ] scope " << scope << ", " << kConnections << " connections at "
              << kRate / 1024 << " KiB/s for " << kWindow.count() << " ms: " << total(bytes) / 1024
              << " KiB (";
    for (uint64_t b : bytes) std::cout << " " << b / 1024;
    std::cout << " KiB)\n";
  }
};

// At most what the token bucket allows over the window: the rate, plus its first burst, with
// 50 % room for a window that the readers' threads start late.
constexpr double bucket_bound() {
  return 1.5 * kRate * (kWindow.count() / 1000.0) + static_cast<double>(kRate) / 20;
}

TEST_F(BandwidthScopeTest, ProxyScopeMakesAllConnectionsShareTheRate) {
  LoopbackServer source(LoopbackServer::Mode::kSource, 64ull << 20);
  auto limit = make("bandwidth", params(0, source.port(), R"(,"rate":262144,"scope":"proxy")"));
  ASSERT_EQ(limit->start().status, CHAOS_OK);
  const std::vector<uint64_t> bytes = read_concurrently(bound_port(*limit));
  print("proxy", bytes);
  EXPECT_LE(static_cast<double>(total(bytes)), bucket_bound());
  EXPECT_GE(static_cast<double>(total(bytes)), 0.3 * kRate * kWindow.count() / 1000.0);
  EXPECT_EQ(status_of(*limit).at("scope"), "proxy");
  EXPECT_GT(status_of(*limit).at("throttled_writes").to_number<int64_t>(), 0);
}

TEST_F(BandwidthScopeTest, ConnectionScopeGivesEveryConnectionTheRate) {
  LoopbackServer source(LoopbackServer::Mode::kSource, 64ull << 20);
  auto limit = make("bandwidth", params(0, source.port(), R"(,"rate":262144)"));
  ASSERT_EQ(limit->start().status, CHAOS_OK);
  EXPECT_EQ(status_of(*limit).at("scope"), "connection");  // the default
  const std::vector<uint64_t> bytes = read_concurrently(bound_port(*limit));
  print("connection", bytes);
  for (uint64_t b : bytes) EXPECT_LE(static_cast<double>(b), bucket_bound());
  // About kConnections x the rate: well above what one shared rate allows.
  EXPECT_GT(static_cast<double>(total(bytes)), 2 * bucket_bound());
}

TEST_F(BandwidthScopeTest, AnUpdateSwitchesTheScopeAndABadScopeIsRejected) {
  LoopbackServer source(LoopbackServer::Mode::kSource, 64ull << 20);
  auto limit = make("bandwidth", params(0, source.port(), R"(,"rate":262144)"));
  ASSERT_EQ(limit->start().status, CHAOS_OK);
  const uint16_t port = bound_port(*limit);
  ASSERT_EQ(limit->update(params(0, source.port(), R"(,"rate":262144,"scope":"proxy")")).status,
            CHAOS_OK);
  const std::vector<uint64_t> bytes = read_concurrently(port);
  print("proxy (after an update)", bytes);
  EXPECT_LE(static_cast<double>(total(bytes)), bucket_bound());

  FaultHandle bad(kind("bandwidth"), host_, params(0, 9, R"(,"rate":1000,"scope":"link")"));
  EXPECT_EQ(bad.created().status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_NE(bad.created().message.find("scope"), std::string::npos) << bad.created().message;
  const json::object schema = json::parse(kind("bandwidth")->params_schema).as_object();
  EXPECT_EQ(schema.at("properties").at("scope").at("default"), "connection");
}

}  // namespace
}  // namespace chaos::testing
