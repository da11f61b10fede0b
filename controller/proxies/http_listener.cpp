#include "proxies/http_listener.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <optional>
#include <thread>

#include "common/accept_backoff.h"

namespace chaos::proxies {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const HttpHandler& handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(HttpListener::kMaxBody);
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      server::HttpResponse r;
      r.status = 413;
      r.body = R"({"error":"request body too large","status":413})";
      return reply(r, false);
    }
    if (ec) return close();  // end of stream, timeout or reset
    const auto& req = parser_->get();
    server::HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.authorization = std::string(req[http::field::authorization]);
    request.host = std::string(req[http::field::host]);
    request.user_agent = std::string(req[http::field::user_agent]);
    request.body = req.body();
    server::HttpResponse response;
    try {
      response = handler_(request);
    } catch (const std::exception& e) {
      // Handlers return errors as values; should one throw anyway, this request gets a 500
      // and the API (and every proxy with its toxics) lives on instead of std::terminate.
      std::fprintf(stderr, "chaosctl: internal error answering %s %s: %s\n", request.method.c_str(),
                   request.target.c_str(), e.what());
      response.status = 500;
      response.body = R"J({"error":"internal error (logged on stderr)","status":500})J";
    }
    if (request.method == "HEAD") response.body.clear();
    reply(response, req.keep_alive());
  }

  void reply(const server::HttpResponse& r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "chaosctl");
    if (r.status != 204) {
      res->set(http::field::content_type, r.content_type);
      res->body() = r.body;
    }
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !res->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  const HttpHandler& handler_;  // owned by the listener, which outlives its io thread
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

struct HttpListener::Impl {
  explicit Impl(HttpHandler h) : handler(std::move(h)), acceptor(io), accept_retry(io) {}
  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec && backoff && backoff->failed(ec.value(), ec.message())) {
        // Out of descriptors: wait for some to free rather than spin on the readable listener.
        accept_retry.expires_after(AcceptBackoff::kRetryDelay);
        accept_retry.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec && acceptor.is_open()) accept();
        });
        return;
      }
      if (!ec) {
        if (backoff) backoff->succeeded();
        std::make_shared<Connection>(std::move(socket), handler)->start();
      }
      accept();
    });
  }
  HttpHandler handler;
  net::io_context io{1};
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  std::optional<AcceptBackoff> backoff;  // set by listen(), which knows the address
  std::thread thread;
};

HttpListener::HttpListener(HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(handler))) {}

HttpListener::~HttpListener() { stop(); }

Status HttpListener::listen(const std::string& address, const std::string& flag) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size())
    return Status::invalid_argument(flag + ": expected HOST:PORT, got '" + address + "'");
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  beast::error_code ec;
  const auto ip = net::ip::make_address(host, ec);
  if (ec) return Status::invalid_argument(flag + ": '" + host + "' is not an IP address");
  char* end = nullptr;
  const long port = std::strtol(address.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535)
    return Status::invalid_argument(flag + ": bad port in '" + address + "'");
  const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  if (a.open(endpoint.protocol(), ec); ec)
    return Status::io_error(flag + ": cannot open a socket: " + ec.message());
  a.set_option(net::socket_base::reuse_address(true), ec);
  if (a.bind(endpoint, ec); ec)
    return Status::io_error(flag + ": cannot listen on " + address + ": " + ec.message());
  if (a.listen(net::socket_base::max_listen_connections, ec); ec)
    return Status::io_error(flag + ": cannot listen on " + address + ": " + ec.message());
  impl_->backoff.emplace(flag + " " + address.substr(0, colon + 1) +
                         std::to_string(a.local_endpoint(ec).port()));
  impl_->accept();
  return Status::ok();
}

unsigned short HttpListener::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

bool HttpListener::loopback() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).address().is_loopback();
}

void HttpListener::start() {
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

void HttpListener::stop() {
  if (!impl_) return;
  net::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace chaos::proxies
