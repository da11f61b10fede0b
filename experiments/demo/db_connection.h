#pragma once
// One client connection from the shop to the demo database (db_protocol.h). Connections are
// lazy: a closed connection (new, or closed after a failure) connects on its next query, so
// the shop starts fine while the database is down and heals once it is back.
//
// Thread-safety: not thread-safe; use from the executor given at construction, one query at
// a time (the connection pool guarantees single ownership).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace chaos::demo {

enum class DbOutcome {
  kOk,       // the database answered "OK ..."
  kTimeout,  // connect or reply took longer than the timeout
  kError,    // refused, reset, closed, or the database answered "ERR ..."
};

struct DbReply {
  DbOutcome outcome = DbOutcome::kError;
  std::string text;  // the payload after "OK ", or a description of the failure
};

class DbConnection {
 public:
  DbConnection(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint db,
               std::chrono::microseconds timeout);
  ~DbConnection();
  DbConnection(const DbConnection&) = delete;
  DbConnection& operator=(const DbConnection&) = delete;

  // Sends `request` (one line, without newline) and reads the one-line reply, connecting first
  // if needed. Connecting and the request each get the full timeout. After a timeout or an I/O
  // error the connection is closed, because a late reply would otherwise be read as the answer
  // to the next request.
  boost::asio::awaitable<DbReply> query(std::string request);

  bool is_open() const;
  void close();

 private:
  struct Impl;  // keeps Beast out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace chaos::demo
