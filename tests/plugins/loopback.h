#pragma once
// Loopback peers for the network plugin tests, all on 127.0.0.1 and port 0:
//  - LoopbackServer: an Asio server on its own thread with one of three behaviours
//    (echo; source: sends N pattern bytes then half-closes; sink: reads to EOF, replies with
//    the byte count and a hash).
//  - Client: a blocking-free POSIX client whose every read and write has a deadline.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace chaos::testing {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The byte at offset i of a pattern stream: order-sensitive, so a reordering shows.
inline uint8_t pattern_byte(uint64_t i) {
  return static_cast<uint8_t>((i * 2654435761u) >> 13 ^ (i >> 11));
}

// FNV-1a, 64-bit, incrementally.
inline uint64_t fnv1a(uint64_t hash, const uint8_t* data, size_t n) {
  for (size_t i = 0; i < n; ++i) hash = (hash ^ data[i]) * 1099511628211ull;
  return hash;
}
constexpr uint64_t kFnvBasis = 14695981039346656037ull;

class LoopbackServer {
 public:
  enum class Mode { kEcho, kSource, kSink };

  explicit LoopbackServer(Mode mode, uint64_t source_bytes = 0)
      : mode_(mode),
        source_bytes_(source_bytes),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoopbackServer() {
    io_.stop();  // pending handlers (and with them the connections) go with io_
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // Connections accepted so far: whether a client reached the dependency.
  int accepted() const { return accepted_.load(); }
  // Echo connections that ended with an RST (ECONNRESET) rather than a FIN.
  int resets() const { return resets_.load(); }

 private:
  using tcp = boost::asio::ip::tcp;
  using error_code = boost::system::error_code;

  struct Connection : std::enable_shared_from_this<Connection> {
    explicit Connection(tcp::socket s) : socket(std::move(s)), buffer(64 * 1024) {}
    tcp::socket socket;
    std::vector<uint8_t> buffer;
    uint64_t offset = 0;
    uint64_t hash = kFnvBasis;
  };

  void accept() {
    acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec) return;
      ++accepted_;
      auto c = std::make_shared<Connection>(std::move(socket));
      c->socket.set_option(tcp::no_delay(true));
      if (mode_ == Mode::kEcho) echo(c);
      if (mode_ == Mode::kSource) send_pattern(c);
      if (mode_ == Mode::kSink) sink(c);
      accept();
    });
  }

  void echo(std::shared_ptr<Connection> c) {
    c->socket.async_read_some(
        boost::asio::buffer(c->buffer), [this, c](const error_code& ec, size_t n) {
          if (ec == boost::asio::error::connection_reset) ++resets_;
          if (ec) return;
          boost::asio::async_write(c->socket, boost::asio::buffer(c->buffer.data(), n),
                                   [this, c](const error_code& wec, size_t) {
                                     if (!wec) echo(c);
                                   });
        });
  }

  void send_pattern(std::shared_ptr<Connection> c) {
    if (c->offset >= source_bytes_) {
      error_code ignored;
      c->socket.shutdown(tcp::socket::shutdown_send, ignored);
      drain(c);
      return;
    }
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(c->buffer.size(), source_bytes_ - c->offset));
    for (size_t i = 0; i < n; ++i) c->buffer[i] = pattern_byte(c->offset + i);
    boost::asio::async_write(c->socket, boost::asio::buffer(c->buffer.data(), n),
                             [this, c, n](const error_code& ec, size_t) {
                               if (ec) return;
                               c->offset += n;
                               send_pattern(c);
                             });
  }

  static void drain(std::shared_ptr<Connection> c) {
    c->socket.async_read_some(boost::asio::buffer(c->buffer), [c](const error_code& ec, size_t) {
      if (!ec) drain(c);
    });
  }

  static void sink(std::shared_ptr<Connection> c) {
    c->socket.async_read_some(boost::asio::buffer(c->buffer), [c](const error_code& ec, size_t n) {
      c->hash = fnv1a(c->hash, c->buffer.data(), n);
      c->offset += n;
      if (!ec) return sink(c);
      if (ec != boost::asio::error::eof) return;
      auto reply =
          std::make_shared<std::array<uint64_t, 2>>(std::array<uint64_t, 2>{c->offset, c->hash});
      boost::asio::async_write(c->socket, boost::asio::buffer(*reply),
                               [c, reply](const error_code&, size_t) {
                                 error_code ignored;
                                 c->socket.shutdown(tcp::socket::shutdown_send, ignored);
                               });
    });
  }

  const Mode mode_;
  const uint64_t source_bytes_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<int> accepted_{0};
  std::atomic<int> resets_{0};
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
inline uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

class Client {
 public:
  enum class Read { kData, kEof, kTimeout, kError };

  explicit Client(uint16_t port, milliseconds timeout = milliseconds(2000)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      connected_ = true;
    } else if (errno != EINPROGRESS) {
      error_ = errno;
    } else if (wait(POLLOUT, Clock::now() + timeout)) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      connected_ = err == 0;
      error_ = err;
    } else {
      error_ = ETIMEDOUT;
    }
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  // The errno of the failed connect, send or read (ECONNREFUSED, ECONNRESET, ...), or 0.
  int error() const { return error_; }

  bool send_all(const void* data, size_t n, Clock::time_point deadline) {
    const auto* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t k = ::send(fd_, p, n, MSG_NOSIGNAL);
      if (k > 0) {
        p += k;
        n -= static_cast<size_t>(k);
      } else if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait(POLLOUT, deadline)) return false;
      } else {
        error_ = errno;
        return false;
      }
    }
    return true;
  }

  // Up to `n` bytes; kData with *got set, or why not.
  Read read_some(void* data, size_t n, size_t* got, Clock::time_point deadline) {
    while (true) {
      const ssize_t k = ::recv(fd_, data, n, 0);
      if (k > 0) {
        *got = static_cast<size_t>(k);
        return Read::kData;
      }
      if (k == 0) return Read::kEof;
      if (errno != EAGAIN && errno != EINTR) {
        error_ = errno;
        return Read::kError;
      }
      if (!wait(POLLIN, deadline)) return Read::kTimeout;
    }
  }

  bool read_exact(void* data, size_t n, Clock::time_point deadline) {
    auto* p = static_cast<char*>(data);
    while (n > 0) {
      size_t got = 0;
      if (read_some(p, n, &got, deadline) != Read::kData) return false;
      p += got;
      n -= got;
    }
    return true;
  }

  void shutdown_send() { ::shutdown(fd_, SHUT_WR); }

  // Sends a small message and reads the echo; the round trip, or -1 ms on failure.
  milliseconds echo_rtt(milliseconds timeout = milliseconds(5000)) {
    const char message[32] = "ping through the chaos proxy...";
    char reply[sizeof message];
    const auto start = Clock::now();
    if (!send_all(message, sizeof message, start + timeout)) return milliseconds(-1);
    if (!read_exact(reply, sizeof reply, start + timeout)) return milliseconds(-1);
    if (std::memcmp(message, reply, sizeof message) != 0) return milliseconds(-1);
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  }

 private:
  bool wait(short events, Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    return r > 0;
  }

  int fd_ = -1;
  bool connected_ = false;
  int error_ = 0;
};

struct Download {
  Client::Read end = Client::Read::kError;
  uint64_t bytes = 0;
  uint64_t mismatches = 0;  // bytes that differ from the pattern at their offset
  milliseconds elapsed{0};
};

// Reads a pattern stream to its end through `port`.
inline Download download(uint16_t port) {
  Download d;
  Client client(port);
  if (!client.connected()) return d;
  const auto start = Clock::now();
  std::vector<uint8_t> buffer(256 * 1024);
  size_t got = 0;
  while ((d.end = client.read_some(buffer.data(), buffer.size(), &got,
                                   start + std::chrono::seconds(30))) == Client::Read::kData) {
    for (size_t i = 0; i < got; ++i) d.mismatches += buffer[i] != pattern_byte(d.bytes + i);
    d.bytes += got;
  }
  d.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return d;
}

}  // namespace chaos::testing
