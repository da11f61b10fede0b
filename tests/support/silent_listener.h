#pragma once
// SilentListener: a loopback TCP port that listens but never accepts. The kernel completes the
// handshake, then nothing is ever read or written — a dependency that hangs, for timeout tests.
// The socket closes with the object.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace chaos::test {

class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        listen(fd_, 8) == 0 && getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentListener() {
    if (fd_ >= 0) close(fd_);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  // 0 when the socket could not be set up.
  unsigned short port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Whether a client has connected (the kernel holds the connection, never accepted) within
  // `timeout_ms`: a request to this port is then in flight.
  bool wait_for_client(int timeout_ms) const {
    pollfd p{fd_, POLLIN, 0};
    return fd_ >= 0 && poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
  }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

}  // namespace chaos::test
