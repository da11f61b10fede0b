#pragma once
// haproxy in TCP mode as the benchmark's zero-fault proxy baseline: a temporary config with one
// frontend per upstream on a free loopback port, run in the foreground (-db) and stopped by its
// pid.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace chaos::bench {

class Haproxy {
 public:
  // Starts `binary` forwarding a fresh port to each of `upstreams`. Check error().
  Haproxy(const std::string& binary, const std::vector<uint16_t>& upstreams);
  ~Haproxy();  // SIGTERM, then SIGKILL; removes the temporary directory
  Haproxy(const Haproxy&) = delete;
  Haproxy& operator=(const Haproxy&) = delete;

  const std::string& error() const { return error_; }
  // The port that forwards to upstreams[i].
  uint16_t port(size_t i) const { return ports_[i]; }
  std::string version() const { return version_; }

 private:
  pid_t pid_ = -1;
  std::string dir_;
  std::string error_;
  std::string version_;
  std::vector<uint16_t> ports_;
};

// A loopback port that nothing listens on right now.
uint16_t free_port();

}  // namespace chaos::bench
