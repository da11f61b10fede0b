#pragma once
// A small HTTP/1.1 server (Boost.Beast, kept out of this header): keep-alive, a body limit,
// idle and write timeouts. Each connection is a coroutine that reads a request, awaits the
// handler and writes the response, so a request waiting on the db costs a coroutine frame,
// not a thread.
//
// Thread-safety: runs on the single-threaded io_context given to listen(); the handler is
// called on it.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>

#include "common/status.h"
#include "http_message.h"

namespace chaos::demo {

using HttpHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest)>;

class HttpServer {
 public:
  // Binds and listens on `endpoint` (port 0 picks a free port). Nothing is served until
  // start(). REQUIRES: whatever `handler` refers to outlives the io_context's run().
  static Result<std::unique_ptr<HttpServer>> listen(boost::asio::io_context& ioc,
                                                    const boost::asio::ip::tcp::endpoint& endpoint,
                                                    HttpHandler handler);

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void start();
  // Stops accepting; open connections end when the io_context stops.
  void stop();

 private:
  HttpServer(boost::asio::ip::tcp::acceptor acceptor, HttpHandler handler)
      : acceptor_(std::move(acceptor)), handler_(std::move(handler)) {}

  boost::asio::ip::tcp::acceptor acceptor_;
  HttpHandler handler_;
};

}  // namespace chaos::demo
