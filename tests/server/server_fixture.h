#pragma once
// A real `chaosctl serve` stack in-process on 127.0.0.1:0 with a temporary store, and a small
// blocking HTTP client for the tests.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "common/clock.h"
#include "plugin_host/plugin_registry.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/live_hub.h"
#include "server/run_manager.h"
#include "store/store.h"
#include "support/child_process.h"
#include "support/test_support.h"

namespace chaos::server {

struct Reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

// One request on a fresh connection to 127.0.0.1:port.
Reply http(unsigned short port, const std::string& method, const std::string& target,
           const std::string& body = "", const std::string& authorization = "");

// The port a `chaosctl serve` child prints it serves on, once it has (nullopt if it exited).
std::optional<unsigned short> served_port(test::ChildProcess& serve);

// An ApiConfig built field by field (its later fields keep their defaults).
ApiConfig api_config(const std::string& token, std::vector<std::string> experiments,
                     const std::string& db_path);

class ServerFixture : public ::testing::Test {
 protected:
  static constexpr const char* kToken = "test-token-0123456789";
  void SetUp() override;
  void TearDown() override;
  // Adds a finished run to the store; returns its id.
  int64_t add_run(const std::string& experiment, const std::string& verdict, int64_t started);
  Reply get(const std::string& target) { return http(port_, "GET", target); }
  Reply post(const std::string& target, const std::string& body,
             const std::string& auth = std::string("Bearer ") + kToken) {
    return http(port_, "POST", target, body, auth);
  }
  std::string write_experiment(const std::string& name, const std::string& text);

  test::TempDir dir_;
  std::string db_path_;
  std::vector<std::string> experiments_;
  SystemClock clock_;
  plugin_host::PluginRegistry registry_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<LiveHub> hub_;
  std::unique_ptr<RunManager> runs_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::thread io_;
  unsigned short port_ = 0;
};

}  // namespace chaos::server
