#pragma once
// The standing proxy for the benchmark, as users run it: a `chaosctl proxy` process holding one
// standing proxy per upstream (a config file), with faults applied over its Toxiproxy-compatible
// API (a latency toxic), as a Toxiproxy client or an attaching run would.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace chaos::bench {

class StandingProxy {
 public:
  // Starts `chaosctl proxy` with proxies p0, p1, ... to `upstreams`. Check error().
  StandingProxy(const std::string& chaosctl, const std::vector<uint16_t>& upstreams);
  ~StandingProxy();  // SIGTERM, then SIGKILL; removes the temporary directory
  StandingProxy(const StandingProxy&) = delete;
  StandingProxy& operator=(const StandingProxy&) = delete;

  const std::string& error() const { return error_; }
  uint16_t port(size_t i) const { return ports_[i]; }
  // POST /proxies/p<i>/toxics {"type": "latency", ...}; false (see error()) unless 200.
  bool add_latency(size_t i, int ms);
  // POST /reset; false unless 204.
  bool reset();

 private:
  // One HTTP/1.1 request to the API; the status code, or -1.
  int request(const std::string& method, const std::string& path, const std::string& body);

  pid_t pid_ = -1;
  std::string dir_;
  std::string error_;
  uint16_t api_port_ = 0;
  std::vector<uint16_t> ports_;
};

}  // namespace chaos::bench
