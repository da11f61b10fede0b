#include "db_connection.h"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "spawn.h"

namespace chaos::demo {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {

// A reply longer than this is not our protocol; treat it as an error, not a buffer to grow.
constexpr std::size_t kMaxReply = 1024;

DbReply failure(const boost::system::error_code& ec, const char* during) {
  if (ec == beast::error::timeout) return {DbOutcome::kTimeout, std::string(during) + " timed out"};
  return {DbOutcome::kError, std::string(during) + ": " + ec.message()};
}

}  // namespace

struct DbConnection::Impl {
  Impl(net::any_io_executor executor, net::ip::tcp::endpoint db, std::chrono::microseconds timeout)
      : stream(std::move(executor)), db(db), timeout(timeout) {}

  beast::tcp_stream stream;
  const net::ip::tcp::endpoint db;
  const std::chrono::microseconds timeout;
  std::string buffer;  // bytes read past the last reply (none, with a well-behaved db)
};

DbConnection::DbConnection(net::any_io_executor executor, net::ip::tcp::endpoint db,
                           std::chrono::microseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(executor), db, timeout)) {}

DbConnection::~DbConnection() = default;

bool DbConnection::is_open() const { return impl_->stream.socket().is_open(); }

void DbConnection::close() {
  boost::system::error_code ignored;
  impl_->stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  impl_->stream.close();
  impl_->buffer.clear();
}

net::awaitable<DbReply> DbConnection::query(std::string request) {
  Impl& im = *impl_;
  if (!is_open()) {
    im.stream.expires_after(im.timeout);
    auto [ec] = co_await im.stream.async_connect(im.db, kAwaitTuple);
    if (ec) {
      close();
      co_return failure(ec, "connect");
    }
    im.stream.socket().set_option(net::ip::tcp::no_delay(true), ec);
  }

  request += '\n';
  im.stream.expires_after(im.timeout);  // one deadline for write and read together
  auto [write_ec, written] =
      co_await net::async_write(im.stream, net::buffer(request), kAwaitTuple);
  if (write_ec) {
    close();
    co_return failure(write_ec, "query");
  }
  auto [read_ec, n] = co_await net::async_read_until(
      im.stream, net::dynamic_buffer(im.buffer, kMaxReply), '\n', kAwaitTuple);
  if (read_ec) {
    close();
    co_return failure(read_ec, "query");
  }
  im.stream.expires_never();

  std::string line = im.buffer.substr(0, n - 1);
  im.buffer.erase(0, n);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.starts_with("OK ")) co_return DbReply{DbOutcome::kOk, line.substr(3)};
  if (line.starts_with("ERR")) co_return DbReply{DbOutcome::kError, "db says: " + line};
  close();  // not our protocol: nothing after this on the stream can be trusted
  co_return DbReply{DbOutcome::kError, "unexpected reply from db: " + line.substr(0, 80)};
}

}  // namespace chaos::demo
