#include "server/http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <deque>
#include <optional>

#include "common/accept_backoff.h"

namespace chaos::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kReadTimeout = std::chrono::seconds(30);
constexpr size_t kMaxQueuedFrames = 2000;  // a live client this far behind is dropped

// Handlers return errors as values; should one throw anyway, this request gets a 500 and the
// server lives on, instead of std::terminate ending it with its runs' faults injected.
HttpResponse handled(Api& api, const HttpRequest& request) {
  try {
    return api.handle(request);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chaosctl: internal error answering %s %s: %s\n", request.method.c_str(),
                 request.target.c_str(), e.what());
    return error_response(500, "internal error (logged on stderr)");
  }
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Api& api, LiveHub& hub, net::thread_pool& worker)
      : stream_(std::move(socket)), api_(api), hub_(hub), worker_(worker) {}
  ~Session() {
    if (subscription_ != 0) hub_.unsubscribe(subscription_);
  }

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(HttpServer::kMaxBody);
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return close();
    if (ec == http::error::body_limit) {
      return reply(error_response(413, "the request body is larger than " +
                                           std::to_string(HttpServer::kMaxBody) + " bytes"),
                   false);
    }
    if (ec) return;  // timeout or reset: the connection just goes away
    const auto& req = parser_->get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.authorization = std::string(req[http::field::authorization]);
    request.host = std::string(req[http::field::host]);
    request.body = req.body();
    if (Api::is_live_stream(request) && api_.host_allowed(request)) return start_live();
    const bool keep_alive = req.keep_alive();
    if (Api::evaluates_files(request)) {
      // Loading experiment files runs their Lua: on the worker, never on this I/O thread.
      net::post(worker_, [self = shared_from_this(), request = std::move(request), keep_alive] {
        HttpResponse response = handled(self->api_, request);
        if (request.method == "HEAD") response.body.clear();
        net::post(self->stream_.get_executor(), [self, response = std::move(response), keep_alive] {
          self->reply(response, keep_alive);
        });
      });
      return;
    }
    HttpResponse response = handled(api_, request);
    if (request.method == "HEAD") response.body.clear();
    reply(response, keep_alive);
  }

  void reply(const HttpResponse& r, bool keep_alive) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    res->set(http::field::server, "chaosctl");
    res->set(http::field::content_type, r.content_type);
    res->set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->body() = r.body;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec) return;
                        if (!res->keep_alive()) return self->close();
                        self->read();
                      });
  }

  // The connection becomes a text/event-stream; frames come from the hub on any thread and
  // are queued on this connection's executor.
  void start_live() {
    stream_.expires_never();
    frames_.push_back(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
        "Connection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\nretry: 1000\n\n" +
        api_.live_snapshot());
    std::weak_ptr<Session> weak = shared_from_this();
    auto executor = stream_.get_executor();
    subscription_ = hub_.subscribe([weak, executor](const std::string& frame) {
      net::post(executor, [weak, frame] {
        if (auto self = weak.lock()) self->queue(frame);
      });
    });
    write_frames();
    watch_closed();
    heartbeat();
  }

  void queue(const std::string& frame) {
    if (frames_.size() >= kMaxQueuedFrames) return close();
    frames_.push_back(frame);
    if (frames_.size() == 1) write_frames();
  }

  void write_frames() {
    if (frames_.empty() || closed_) return;
    net::async_write(stream_, net::buffer(frames_.front()),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->close();
                       self->frames_.pop_front();
                       self->write_frames();
                     });
  }

  // A browser that goes away closes its end; reading sees that (nothing else is expected).
  void watch_closed() {
    stream_.async_read_some(net::buffer(sink_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->close();
                              self->watch_closed();
                            });
  }

  void heartbeat() {
    if (!timer_) timer_.emplace(stream_.get_executor());
    timer_->expires_after(std::chrono::seconds(15));
    timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->queue(": keep-alive\n\n");
      self->heartbeat();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (timer_) timer_->cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  Api& api_;
  LiveHub& hub_;
  net::thread_pool& worker_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  int subscription_ = 0;
  std::deque<std::string> frames_;  // live frames not yet written; front is being written
  std::optional<net::steady_timer> timer_;
  char sink_[512];
  bool closed_ = false;
};

}  // namespace

struct HttpServer::Impl {
  Impl(Api& a, LiveHub& h) : api(a), hub(h), acceptor(io), accept_retry(io) {}
  void accept() {
    acceptor.async_accept(net::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (ec && backoff && backoff->failed(ec.value(), ec.message())) {
        // Out of descriptors: wait for some to free rather than spin on the readable listener.
        accept_retry.expires_after(AcceptBackoff::kRetryDelay);
        accept_retry.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      if (!ec) {
        if (backoff) backoff->succeeded();
        std::make_shared<Session>(std::move(socket), api, hub, worker)->start();
      }
      accept();
    });
  }
  Api& api;
  LiveHub& hub;
  net::io_context io{1};
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  std::optional<AcceptBackoff> backoff;  // set by listen(), which knows the address
  // Where requests that load experiment files run (Api::evaluates_files). One thread: the dry
  // run's budget bounds each file, and such requests are rare.
  net::thread_pool worker{1};
};

HttpServer::HttpServer(Api& api, LiveHub& hub) : impl_(std::make_unique<Impl>(api, hub)) {}

Status HttpServer::listen(const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Status::invalid_argument("--listen: expected HOST:PORT, got '" + address + "'");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  const auto ip = net::ip::make_address(host, ec);
  if (ec) return Status::invalid_argument("--listen: '" + host + "' is not an IP address");
  char* end = nullptr;
  const long port = std::strtol(address.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535 || colon + 1 == address.size()) {
    return Status::invalid_argument("--listen: bad port in '" + address + "'");
  }
  const tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  if (a.open(endpoint.protocol(), ec); ec)
    return Status::io_error("cannot open a socket: " + ec.message());
  a.set_option(net::socket_base::reuse_address(true), ec);
  if (a.bind(endpoint, ec); ec)
    return Status::io_error("cannot listen on " + address + ": " + ec.message());
  if (a.listen(net::socket_base::max_listen_connections, ec); ec) {
    return Status::io_error("cannot listen on " + address + ": " + ec.message());
  }
  impl_->backoff.emplace("serve on " + address.substr(0, colon + 1) +
                         std::to_string(a.local_endpoint(ec).port()));
  impl_->accept();
  return Status::ok();
}

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::run() { impl_->io.run(); }

void HttpServer::stop() { impl_->io.stop(); }

HttpServer::~HttpServer() {
  // The worker may still be evaluating a file (for at most the dry run's budget); its reply
  // is posted to an io_context that no longer runs, and dropped.
  impl_->worker.join();
}

}  // namespace chaos::server
