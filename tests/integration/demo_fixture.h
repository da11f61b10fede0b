#pragma once
// The demo system for integration tests: a db, a shop reaching it through a proxy port that
// experiments declare, and optionally background shoppers — real processes on ephemeral
// loopback ports, stopped by pid when the fixture ends. Plus a way to run chaosctl itself.

#include <gtest/gtest.h>

#include <boost/json/fwd.hpp>
#include <memory>
#include <string>

#include "store/store.h"
#include "support/child_process.h"

namespace chaos::integration {

// What chaosctl printed with --json, parsed; a test failure naming the text when it is not JSON.
boost::json::value parsed_json(const std::string& text);

class DemoFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts db and shop; the shop reaches the db through 127.0.0.1:proxy_port_.
  void start_demo(bool with_shoppers, const std::string& db_flags = "");
  // Writes an experiment: ${SHOP}, ${PROXY} and ${DB} become the demo's addresses.
  std::string write_experiment(const std::string& name, std::string text);
  // Starts `chaosctl --db <store> --no-color ARGS...`, output to a log.
  std::unique_ptr<test::ChildProcess> start_chaosctl(const std::vector<std::string>& args);
  // Runs chaosctl to completion (deadline 90 s) and returns its exit code.
  int run_chaosctl(const std::vector<std::string>& args);
  std::unique_ptr<store::Store> open_store();
  // The latest run's events, as "kind" strings in order.
  std::vector<std::string> event_kinds(store::Store& store, int64_t run_id);

  std::string dir_;
  std::string db_path_;
  std::string chaosctl_log_;
  unsigned short db_port_ = 0, shop_port_ = 0, proxy_port_ = 0;
  std::unique_ptr<test::ChildProcess> db_, shop_, shoppers_;
};

}  // namespace chaos::integration
