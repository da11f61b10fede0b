#pragma once
// Shared by the load plugin's tests: the plugin loaded through the C ABI by the SDK's fake host,
// and reading numbers out of a fault's status JSON.
#include <gtest/gtest.h>

#include <chaos/fake_host.hpp>
#include <chaos/plugin.hpp>
#include <filesystem>
#include <string>

namespace chaos::load_test {

inline sdk::FakeHost& plugin() {
  static sdk::FakeHost host{std::string(CHAOS_LOAD_PLUGIN)};
  return host;
}

// A number at `path` ("latency.p99_ms") in the fault's current status.
inline double status_number(sdk::FakeFault& fault, const std::string& path) {
  const sdk::CallResult r = fault.status();
  sdk::Json json = sdk::Json::parse(r.output);
  const sdk::Json* at = &json;
  size_t start = 0;
  while (at) {
    const size_t dot = path.find('.', start);
    at = at->find(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return at && at->is_number() ? at->as_number() : -1;
}

// The status reports sent, ok, errors and in_flight, and sent = ok + errors + in_flight: every
// request put on a connection is answered, failed or (after stop) abandoned in flight.
inline void expect_totals_reconcile(sdk::FakeFault& fault) {
  const double sent = status_number(fault, "sent"), ok = status_number(fault, "ok"),
               errors = status_number(fault, "errors"),
               in_flight = status_number(fault, "in_flight");
  const std::string status = fault.status().output;
  EXPECT_GE(sent, 0) << status;
  EXPECT_GE(ok, 0) << status;
  EXPECT_GE(errors, 0) << status;
  EXPECT_GE(in_flight, 0) << status;
  EXPECT_EQ(sent, ok + errors + in_flight) << status;
}

inline int open_fds() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

}  // namespace chaos::load_test
