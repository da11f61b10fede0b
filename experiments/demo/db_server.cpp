#include "db_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "listen_address.h"
#include "spawn.h"

namespace chaos::demo {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

// A request line longer than this is not our protocol; the connection is dropped rather than
// letting one client grow a buffer without bound.
constexpr std::size_t kMaxLine = 1024;

// One persistent client connection: requests are answered in order, each after `work`.
net::awaitable<void> serve_connection(tcp::socket socket, std::chrono::microseconds work,
                                      DbState& state) {
  std::string buffer;
  net::steady_timer timer(socket.get_executor());
  for (;;) {
    auto [read_ec, n] = co_await net::async_read_until(
        socket, net::dynamic_buffer(buffer, kMaxLine), '\n', kAwaitTuple);
    if (read_ec) co_return;  // client closed, reset, or sent an over-long line
    const std::string line = buffer.substr(0, n - 1);
    buffer.erase(0, n);

    if (work.count() > 0) {
      timer.expires_after(work);
      auto [timer_ec] = co_await timer.async_wait(kAwaitTuple);
      if (timer_ec) co_return;
    }
    const std::string reply = answer_db_request(line, state) + "\n";
    auto [write_ec, written] = co_await net::async_write(socket, net::buffer(reply), kAwaitTuple);
    if (write_ec) co_return;  // the client gave up (e.g. its query timed out)
  }
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::chrono::microseconds work,
                                 DbState& state) {
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
    socket.set_option(tcp::no_delay(true), ec);
    spawn_logged(acceptor.get_executor(), serve_connection(std::move(socket), work, state));
  }
}

}  // namespace

Result<std::unique_ptr<DbServer>> DbServer::listen(net::io_context& ioc,
                                                   const tcp::endpoint& endpoint,
                                                   std::chrono::microseconds work) {
  auto acceptor = open_listener(ioc, endpoint);
  if (!acceptor) return acceptor.status();
  return std::unique_ptr<DbServer>(new DbServer(std::move(acceptor).value(), work));
}

void DbServer::start() {
  spawn_logged(acceptor_.get_executor(), accept_loop(acceptor_, work_, state_));
}

void DbServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

}  // namespace chaos::demo
