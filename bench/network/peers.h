#pragma once
// The benchmark's loopback peers and measurements, in plain POSIX so that they add as little
// as possible of their own: an echo server and a bulk source (a thread per connection), a
// ping-pong that times each exchange, and a bulk read that times a whole transfer.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace chaos::bench {

// A TCP server on 127.0.0.1 and a free port, on its own threads, until destroyed.
class LoopbackPeer {
 public:
  enum class Mode {
    kEcho,    // writes back what it reads
    kSource,  // sends `bytes` bytes, then closes
  };
  LoopbackPeer(Mode mode, uint64_t bytes = 0);
  ~LoopbackPeer();
  uint16_t port() const { return port_; }

 private:
  void serve(int fd);

  const Mode mode_;
  const uint64_t bytes_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;
};

// A connected socket to 127.0.0.1:port with TCP_NODELAY, or -1.
int connect_loopback(uint16_t port);

// `count` exchanges of `size` bytes on one connection; the round trip of each, in µs.
// Empty if the connection failed.
std::vector<double> ping_pong(uint16_t port, int count, size_t size);

// Reads a source to its end; MB/s (10^6 bytes per second), or -1 on failure.
double bulk_read_mb_s(uint16_t port, uint64_t expected_bytes);

// The q-quantile (0..1) of `samples`, nearest rank.
double quantile(std::vector<double> samples, double q);

}  // namespace chaos::bench
