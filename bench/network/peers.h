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
    kEcho,    // writes back what it reads, with two timestamps (see ping_pong)
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

// Round trips of one connection's exchanges, in µs, measured two ways:
//  - rtts: until the client thread has the reply (what an application sees, including the
//    client's own wake-up, which on an idle box is as late as the timer floor);
//  - arrival_rtts: until the reply reached the client's socket (the kernel's receive timestamp,
//    SO_TIMESTAMPNS), i.e. what the network path added, without the client's wake-up. Empty
//    when the kernel gives no timestamp;
//  - reply_legs: from the echo peer's send of the reply to its arrival at the client's socket:
//    the direction a downstream delay acts on, without the wake-ups of the request's way
//    (the proxy's and the echo thread's, both idle while a delay runs). Echo LoopbackPeer only.
struct Exchanges {
  std::vector<double> rtts;
  std::vector<double> arrival_rtts;
  std::vector<double> reply_legs;
};

// `count` exchanges of `size` bytes on one connection. Empty if the connection failed.
Exchanges ping_pong(uint16_t port, int count, size_t size);

// Reads a source to its end; MB/s (10^6 bytes per second), or -1 on failure.
double bulk_read_mb_s(uint16_t port, uint64_t expected_bytes);

// The q-quantile (0..1) of `samples`, nearest rank.
double quantile(std::vector<double> samples, double q);

}  // namespace chaos::bench
