#include "http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "listen_address.h"
#include "spawn.h"

namespace chaos::demo {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using net::ip::tcp;

namespace {

// The shop only serves GETs; anything bigger is a mistake or an attack.
constexpr std::uint64_t kMaxBody = 64 * 1024;
// An idle keep-alive connection is closed after this, so idle clients cannot pile up forever.
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kWriteTimeout = std::chrono::seconds(30);

std::string path_of(std::string_view target) {
  return std::string(target.substr(0, target.find('?')));
}

http::response<http::string_body> to_beast(HttpResponse response, unsigned version,
                                           bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "chaos-demo-shop");
  res.set(http::field::content_type, response.content_type);
  res.keep_alive(keep_alive);
  res.body() = std::move(response.body);
  res.prepare_payload();
  return res;
}

net::awaitable<void> serve_connection(beast::tcp_stream stream, HttpHandler handler) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    stream.expires_after(kIdleTimeout);
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, parser, kAwaitTuple);
    if (read_ec) {
      // A malformed request gets a 400 before we hang up; a closed or idle client just goes.
      if (read_ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
          read_ec != http::error::end_of_stream && read_ec != http::error::partial_message) {
        auto res =
            to_beast(HttpResponse{400, "text/plain; charset=utf-8", "bad request\n"}, 11, false);
        stream.expires_after(kWriteTimeout);
        co_await http::async_write(stream, res, kAwaitTuple);
      }
      break;
    }
    const auto& req = parser.get();
    // Named, not a braced temporary inside the co_await: GCC 12 miscompiles an aggregate
    // temporary passed by value in a co_await operand (frees its strings twice).
    HttpRequest request{std::string(req.method_string()), path_of(req.target())};
    HttpResponse response = co_await handler(std::move(request));

    auto res = to_beast(std::move(response), req.version(), req.keep_alive());
    stream.expires_after(kWriteTimeout);
    auto [write_ec, write_n] = co_await http::async_write(stream, res, kAwaitTuple);
    if (write_ec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, HttpHandler handler) {
  net::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kAwaitTuple);
    if (ec == net::error::operation_aborted) co_return;
    if (ec) {
      // E.g. out of file descriptors: pause instead of spinning on the same error.
      spdlog::error("accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kAwaitTuple);
      continue;
    }
    spawn_logged(acceptor.get_executor(),
                 serve_connection(beast::tcp_stream(std::move(socket)), handler));
  }
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::listen(net::io_context& ioc,
                                                       const tcp::endpoint& endpoint,
                                                       HttpHandler handler) {
  auto acceptor = open_listener(ioc, endpoint);
  if (!acceptor) return acceptor.status();
  return std::unique_ptr<HttpServer>(
      new HttpServer(std::move(acceptor).value(), std::move(handler)));
}

void HttpServer::start() {
  spawn_logged(acceptor_.get_executor(), accept_loop(acceptor_, handler_));
}

void HttpServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace chaos::demo
