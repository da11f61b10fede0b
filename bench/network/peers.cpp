#include "peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace chaos::bench {

namespace {

using Clock = std::chrono::steady_clock;

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

double wall_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// One recv with recvmsg: *arrival becomes the kernel's receive time (µs, wall clock) of the
// bytes read, when the socket has SO_TIMESTAMPNS on (unchanged otherwise).
ssize_t recv_stamped(int fd, char* p, size_t n, double* arrival) {
  iovec iov{p, n};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t k = ::recvmsg(fd, &msg, 0);
  if (k <= 0) return k;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec ts{};
    std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
    *arrival = static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
  }
  return k;
}

// read_exact with receive timestamps: *arrival is that of the last bytes read.
bool read_stamped(int fd, char* p, size_t n, double* arrival) {
  while (n > 0) {
    const ssize_t k = recv_stamped(fd, p, n, arrival);
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool enable_timestamps(int fd) {
  int on = 1;
  return ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
}

}  // namespace

LoopbackPeer::LoopbackPeer(Mode mode, uint64_t bytes) : mode_(mode), bytes_(bytes) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listener_, 128);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] {
    while (!stopping_) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      if (stopping_) {
        ::close(fd);
        break;
      }
      int on = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  });
}

LoopbackPeer::~LoopbackPeer() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
  const int poke = connect_loopback(port_);
  if (poke >= 0) ::close(poke);
  acceptor_.join();
  ::close(listener_);
  for (auto& t : connections_) t.join();  // each ends when its client closes
}

void LoopbackPeer::serve(int fd) {
  std::vector<char> buffer(256 * 1024);
  if (mode_ == Mode::kEcho) {
    // Each reply carries, in its first 16 bytes, when the request reached this socket and when
    // the reply left (µs, wall clock), so the client can split a round trip into its legs.
    enable_timestamps(fd);
    ssize_t n;
    double stamps[2] = {NAN, NAN};
    while ((n = recv_stamped(fd, buffer.data(), buffer.size(), &stamps[0])) > 0) {
      stamps[1] = wall_us();
      if (n >= static_cast<ssize_t>(sizeof stamps))
        std::memcpy(buffer.data(), stamps, sizeof stamps);
      if (!write_all(fd, buffer.data(), static_cast<size_t>(n))) break;
    }
  } else {
    for (size_t i = 0; i < buffer.size(); ++i) buffer[i] = static_cast<char>(i * 31);
    uint64_t left = bytes_;
    while (left > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
      if (!write_all(fd, buffer.data(), n)) break;
      left -= n;
    }
    ::shutdown(fd, SHUT_WR);
    while (::recv(fd, buffer.data(), buffer.size(), 0) > 0) {
    }
  }
  ::close(fd);
}

int connect_loopback(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

Exchanges ping_pong(uint16_t port, int count, size_t size) {
  Exchanges r;
  const int fd = connect_loopback(port);
  if (fd < 0) return r;
  const bool stamped = enable_timestamps(fd);
  std::vector<char> out(size, 'p'), in(size);
  r.rtts.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    // Receive timestamps are wall-clock time, so the legs are timed on that clock.
    const auto start = Clock::now();
    const double sent = wall_us();
    double arrival = NAN;
    if (!write_all(fd, out.data(), size) || !read_stamped(fd, in.data(), size, &arrival)) {
      r = {};
      break;
    }
    r.rtts.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!stamped || std::isnan(arrival)) continue;
    r.arrival_rtts.push_back(arrival - sent);
    double echo[2] = {NAN, NAN};  // written by an echo LoopbackPeer
    if (size >= sizeof echo) std::memcpy(echo, in.data(), sizeof echo);
    if (!std::isnan(echo[1])) r.reply_legs.push_back(arrival - echo[1]);
  }
  ::close(fd);
  return r;
}

double bulk_read_mb_s(uint16_t port, uint64_t expected_bytes) {
  const int fd = connect_loopback(port);
  if (fd < 0) return -1;
  std::vector<char> buffer(1 << 20);
  uint64_t total = 0;
  const auto start = Clock::now();
  ssize_t n;
  while ((n = ::recv(fd, buffer.data(), buffer.size(), 0)) > 0) total += static_cast<uint64_t>(n);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  if (total != expected_bytes) return -1;
  return static_cast<double>(total) / seconds / 1e6;
}

double quantile(std::vector<double> samples, double q) {
  if (samples.empty()) return NAN;
  std::sort(samples.begin(), samples.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(samples.size())));
  return samples[std::min(samples.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace chaos::bench
