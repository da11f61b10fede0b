#pragma once
// The demo database server: accepts many persistent connections, reads request lines and
// answers each after a simulated work time. Work is an asynchronous timer, so a slow database
// (--work 300ms) is slow per request but never runs out of threads: the bottleneck the demo
// shows is the shop's connection pool, not this server.
//
// Thread-safety: all methods and all connections run on the one io_context given at
// construction, which must be run by a single thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>

#include "common/status.h"
#include "db_protocol.h"

namespace chaos::demo {

class DbServer {
 public:
  // Binds and listens on `endpoint` (port 0 picks a free port). Nothing is served until start().
  static Result<std::unique_ptr<DbServer>> listen(boost::asio::io_context& ioc,
                                                  const boost::asio::ip::tcp::endpoint& endpoint,
                                                  std::chrono::microseconds work);

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  // Starts accepting. REQUIRES: the server outlives the io_context's run().
  void start();
  // Stops accepting; open connections end when the io_context stops.
  void stop();

 private:
  DbServer(boost::asio::ip::tcp::acceptor acceptor, std::chrono::microseconds work)
      : acceptor_(std::move(acceptor)), work_(work) {}

  boost::asio::ip::tcp::acceptor acceptor_;
  const std::chrono::microseconds work_;
  DbState state_;  // shared by all connections; single-threaded by contract
};

}  // namespace chaos::demo
