#pragma once
// WebhookReceiver: a small HTTP server on 127.0.0.1 (an ephemeral port) that records every
// request it is sent and answers each with a chosen status — the far end of a webhook, for
// tests of anything that posts one. Header-only (Boost.Beast); runs on a thread of its own and
// stops with the object.

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chaos::test {

class WebhookReceiver {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::string content_type;
    std::string body;
  };

  explicit WebhookReceiver(int status = 200)
      : status_(status), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~WebhookReceiver() {
    io_.stop();
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  unsigned short port() const { return port_; }
  // "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void set_status(int status) { status_ = status; }
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(WebhookReceiver& owner, boost::asio::ip::tcp::socket socket)
        : owner(owner), stream(std::move(socket)) {}
    void start() {
      auto self = shared_from_this();
      boost::beast::http::async_read(stream, buffer, request,
                                     [self](boost::beast::error_code ec, size_t) {
                                       if (!ec) self->answer();
                                     });
    }
    void answer() {
      {
        std::lock_guard lock(owner.mutex_);
        owner.requests_.push_back(
            {std::string(request.method_string()), std::string(request.target()),
             std::string(request[boost::beast::http::field::content_type]), request.body()});
      }
      response.result(static_cast<unsigned>(owner.status_.load()));
      response.version(11);
      response.set(boost::beast::http::field::content_type, "text/plain");
      response.body() = "ok";
      response.keep_alive(false);
      response.prepare_payload();
      auto self = shared_from_this();
      boost::beast::http::async_write(stream, response, [self](boost::beast::error_code, size_t) {
        boost::beast::error_code ignored;
        self->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
      });
    }
    WebhookReceiver& owner;
    boost::beast::tcp_stream stream;
    boost::beast::flat_buffer buffer;
    boost::beast::http::request<boost::beast::http::string_body> request;
    boost::beast::http::response<boost::beast::http::string_body> response;
  };

  void accept() {
    acceptor_.async_accept([this](boost::beast::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec) return;
      std::make_shared<Session>(*this, std::move(s))->start();
      accept();
    });
  }

  std::atomic<int> status_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace chaos::test
