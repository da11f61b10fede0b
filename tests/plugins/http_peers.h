#pragma once
// HTTP/1.1 peers for the network plugin's HTTP tests, on 127.0.0.1 and port 0:
//  - HttpTestServer: answers every request 200 with "<method> <path>" as the body, keeps
//    connections alive, answers pipelined requests in order, reads Content-Length bodies, and
//    counts the requests it saw (what reached the dependency).
//  - HttpConnection: a client over one kept-alive connection that sends raw requests and reads
//    responses (Content-Length framed) with deadlines.

#include <atomic>
#include <boost/asio.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "loopback.h"

namespace chaos::testing {

class HttpTestServer {
 public:
  HttpTestServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~HttpTestServer() {
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int requests() const { return requests_.load(); }
  int requests_to(const std::string& path) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_path_.find(path);
    return it == by_path_.end() ? 0 : it->second;
  }

 private:
  using tcp = boost::asio::ip::tcp;
  using error_code = boost::system::error_code;
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string in;
    std::string out;
    char buffer[16 * 1024];
  };

  void accept() {
    acceptor_.async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec) return;
      read(std::make_shared<Connection>(std::move(socket)));
      accept();
    });
  }

  void read(std::shared_ptr<Connection> c) {
    c->socket.async_read_some(
        boost::asio::buffer(c->buffer), [this, c](const error_code& ec, size_t n) {
          if (ec) return;
          c->in.append(c->buffer, n);
          answer_complete_requests(*c);
          if (c->out.empty()) return read(c);
          auto out = std::make_shared<std::string>(std::move(c->out));
          c->out.clear();
          boost::asio::async_write(c->socket, boost::asio::buffer(*out),
                                   [this, c, out](const error_code& wec, size_t) {
                                     if (!wec) read(c);
                                   });
        });
  }

  void answer_complete_requests(Connection& c) {
    while (true) {
      const size_t end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const std::string head = c.in.substr(0, end + 4);
      size_t length = 0;
      const size_t cl = head.find("Content-Length: ");
      if (cl != std::string::npos) length = std::stoul(head.substr(cl + 16));
      if (c.in.size() < head.size() + length) return;
      c.in.erase(0, head.size() + length);
      const std::string line = head.substr(0, head.find("\r\n"));
      const std::string method = line.substr(0, line.find(' '));
      const std::string path = line.substr(method.size() + 1, line.rfind(' ') - method.size() - 1);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++by_path_[path];
      }
      ++requests_;
      const std::string body = method + " " + path;
      c.out += "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
      if (method != "HEAD") c.out += body;
    }
  }

  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::map<std::string, int> by_path_;  // guarded by mutex_
  std::thread thread_;
};

struct HttpReply {
  int status = 0;
  std::string head;
  std::string body;
};

class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port) : client_(port) {}
  Client& client() { return client_; }
  bool connected() const { return client_.connected(); }

  bool send(const std::string& request, milliseconds timeout = milliseconds(5000)) {
    return client_.send_all(request.data(), request.size(), Clock::now() + timeout);
  }
  // The next response, or nullopt when the connection ends or the deadline passes first.
  std::optional<HttpReply> read_reply(milliseconds timeout = milliseconds(5000)) {
    const auto deadline = Clock::now() + timeout;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(deadline)) return std::nullopt;
    }
    HttpReply reply;
    reply.head = buffer_.substr(0, end + 4);
    reply.status = std::stoi(reply.head.substr(9, 3));
    size_t length = 0;
    const size_t cl = reply.head.find("Content-Length: ");
    if (cl != std::string::npos) length = std::stoul(reply.head.substr(cl + 16));
    while (buffer_.size() < reply.head.size() + length) {
      if (!fill(deadline)) return std::nullopt;
    }
    reply.body = buffer_.substr(reply.head.size(), length);
    buffer_.erase(0, reply.head.size() + length);
    return reply;
  }
  // Whether the peer closed (EOF or reset) before the deadline, with nothing more to read.
  bool closed_by_peer(milliseconds timeout = milliseconds(5000)) {
    char c;
    size_t got = 0;
    const auto r = client_.read_some(&c, 1, &got, Clock::now() + timeout);
    return r == Client::Read::kEof || r == Client::Read::kError;
  }

  static std::string get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
  }

 private:
  bool fill(Clock::time_point deadline) {
    char chunk[16 * 1024];
    size_t got = 0;
    if (client_.read_some(chunk, sizeof chunk, &got, deadline) != Client::Read::kData) return false;
    buffer_.append(chunk, got);
    return true;
  }

  Client client_;
  std::string buffer_;
};

}  // namespace chaos::testing
