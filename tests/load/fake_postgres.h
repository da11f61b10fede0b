#pragma once
// FakePostgres: a loopback server that speaks just enough of PostgreSQL's start-up to play a
// server real PostgreSQL will not be: one offering only an unsupported SASL mechanism, or one
// that runs SCRAM without knowing the password (its signature cannot match). Port 0 on
// 127.0.0.1. One thread serves connections one at a time with blocking reads bounded by a
// 2 s timeout, so a client that misbehaves cannot hang the test; the destructor joins it.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace chaos::load_test {

class FakePostgres {
 public:
  // One client connection, after its StartupMessage was read.
  class Conn {
   public:
    explicit Conn(int fd) : fd_(fd) {}
    void send_auth(uint32_t code, const std::string& data) {
      std::string m = "R" + be32(static_cast<uint32_t>(data.size() + 8)) + be32(code) + data;
      (void)!::send(fd_, m.data(), m.size(), MSG_NOSIGNAL);
    }
    void send_ready() {
      const std::string m = "Z" + be32(5) + "I";
      (void)!::send(fd_, m.data(), m.size(), MSG_NOSIGNAL);
    }
    // The body of the client's next message of `type`; "" on a timeout, EOF or another type.
    std::string read_message(char type) {
      std::string head = read_exact(5);
      if (head.size() != 5 || head[0] != type) return "";
      return read_exact(get32(head, 1) - 4);
    }
    // Waits (up to the read timeout) for the client to close.
    void wait_closed() {
      char c;
      while (recv(fd_, &c, 1, 0) > 0) {
      }
    }

   private:
    friend class FakePostgres;
    std::string read_exact(size_t n) {
      std::string out;
      char buf[4096];
      while (out.size() < n) {
        const ssize_t r = recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
        if (r <= 0) break;
        out.append(buf, static_cast<size_t>(r));
      }
      return out;
    }
    int fd_;
  };
  using Script = std::function<void(Conn&)>;

  explicit FakePostgres(Script script) : script_(std::move(script)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(fd_, 64) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakePostgres() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  FakePostgres(const FakePostgres&) = delete;
  FakePostgres& operator=(const FakePostgres&) = delete;

  unsigned short port() const { return port_; }  // 0: could not listen
  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }
  int served() const { return served_.load(); }

  static std::string be32(uint32_t v) {
    return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
            static_cast<char>(v)};
  }
  static uint32_t get32(const std::string& s, size_t at) {
    auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
    return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
  }

 private:
  void serve() {
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;  // wake up now and then to see stop_
      const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      timeval tv{2, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      Conn conn(c);
      const std::string len = conn.read_exact(4);  // StartupMessage: length, then the rest
      if (len.size() == 4 && conn.read_exact(get32(len, 0) - 4).size() == get32(len, 0) - 4) {
        script_(conn);
        served_.fetch_add(1);
      }
      close(c);
    }
  }

  Script script_;
  int fd_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
};

}  // namespace chaos::load_test
