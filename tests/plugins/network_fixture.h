#pragma once
// NetworkPluginTest: the network plugin opened with dlopen once per test binary, a recording
// host, and helpers to create faults and read their status, shared by the network_*_test files.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cerrno>
#include <memory>
#include <string>
#include <thread>

#include "loaded_plugin.h"
#include "loopback.h"
#include "recording_host.h"

namespace chaos::testing {

namespace json = boost::json;
using std::chrono::seconds;

class NetworkPluginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { plugin_ = new LoadedPlugin(CHAOS_NETWORK_PLUGIN); }
  static void TearDownTestSuite() {
    delete plugin_;
    plugin_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(plugin_->handle(), nullptr) << plugin_->error();
    ASSERT_NE(plugin_->plugin(), nullptr);
  }

  static const chaos_fault_kind* kind(const char* name) { return plugin_->kind(name); }

  std::unique_ptr<FaultHandle> make(const char* kind_name, const std::string& params) {
    auto f = std::make_unique<FaultHandle>(kind(kind_name), host_, params);
    EXPECT_EQ(f->created().status, CHAOS_OK) << f->created().message;
    return f;
  }

  static std::string params(uint16_t listen_port, uint16_t upstream_port,
                            const std::string& extra = "") {
    return R"({"listen":"127.0.0.1:)" + std::to_string(listen_port) +
           R"(","upstream":"127.0.0.1:)" + std::to_string(upstream_port) + "\"" + extra + "}";
  }

  // The port a started fault's proxy is bound to, from its status JSON.
  static uint16_t bound_port(FaultHandle& f) {
    const json::value status = json::parse(f.status());
    const std::string listen(status.at("listen").as_string());
    return static_cast<uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
  }

  static json::object status_of(FaultHandle& f) { return json::parse(f.status()).as_object(); }

  // Polls `done` every 10 ms until it holds or the timeout passes (for state seen only in status).
  template <typename Fn>
  static bool eventually(Fn done, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return true;
  }

  // Whether `client` was reset by the proxy: its connect, an echo or a read failed with
  // ECONNRESET, or a send with EPIPE (the RST arrived first). Blocks for at most `timeout`.
  static bool was_reset(Client& client, milliseconds timeout = milliseconds(2000)) {
    if (client.connected() && client.echo_rtt(timeout).count() >= 0) return false;
    if (client.connected() && client.error() == 0) {  // an echo timeout: wait for the RST
      char c;
      size_t got = 0;
      client.read_some(&c, 1, &got, Clock::now() + timeout);
    }
    return client.error() == ECONNRESET || client.error() == EPIPE;
  }

  // Counts connections_opened samples; called under the host's mutex (inside wait_until).
  static size_t samples_locked(RecordingHost& host) {
    return host.count_metric_locked("connections_opened");
  }

  static inline LoadedPlugin* plugin_ = nullptr;
  RecordingHost host_;
};

}  // namespace chaos::testing
