#pragma once
// A real Prometheus server for tests: Debian's /usr/bin/prometheus (or CHAOS_PROMETHEUS_BIN)
// with a temporary config scraping the given loopback targets every 100 ms, on a loopback port,
// stopped by pid when the object goes. start() waits, with a deadline, until every target has
// been scraped.

#include <memory>
#include <string>
#include <vector>

#include "support/child_process.h"

namespace chaos::test {

std::string prometheus_binary();

class PrometheusServer {
 public:
  // Returns an empty string on success, else what went wrong (with Prometheus's log).
  std::string start(const std::string& dir, const std::vector<std::string>& targets,
                    const std::string& job = "test");
  const std::string& url() const { return url_; }  // e.g. http://127.0.0.1:41234
  void stop() { process_.reset(); }

 private:
  std::string url_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace chaos::test
