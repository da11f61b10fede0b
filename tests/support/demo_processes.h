#pragma once
// The demo's db and shop as real processes on ephemeral 127.0.0.1 ports, the shop reaching the
// db directly: what the probe tests scrape. Port files and logs go to `dir`; the processes stop
// (by pid) when the object goes.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.h"

namespace chaos::test {

struct DemoProcesses {
  std::unique_ptr<ChildProcess> db, shop;
  std::string shop_address;  // "127.0.0.1:PORT"; empty when start-up failed
  std::string error;         // why start-up failed, with the process's log

  // `bin`: the directory holding chaos-demo-db and chaos-demo-shop.
  static DemoProcesses start(const std::string& bin, const std::string& dir) {
    DemoProcesses d;
    d.db = std::make_unique<ChildProcess>(
        bin + "/chaos-demo-db",
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--port-file", dir + "/db.port"},
        dir + "/db.log");
    auto db_port = wait_for_port_file(dir + "/db.port", *d.db, std::chrono::seconds(10));
    if (!db_port) {
      d.error = "chaos-demo-db did not start: " + d.db->log();
      return d;
    }
    d.shop = std::make_unique<ChildProcess>(
        bin + "/chaos-demo-shop",
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--db",
                                 "127.0.0.1:" + std::to_string(*db_port), "--port-file",
                                 dir + "/shop.port"},
        dir + "/shop.log");
    auto shop_port = wait_for_port_file(dir + "/shop.port", *d.shop, std::chrono::seconds(10));
    if (!shop_port) {
      d.error = "chaos-demo-shop did not start: " + d.shop->log();
      return d;
    }
    d.shop_address = "127.0.0.1:" + std::to_string(*shop_port);
    return d;
  }
};

}  // namespace chaos::test
