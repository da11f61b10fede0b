#pragma once
// HttpServer: Boost.Beast, asynchronous, one I/O thread. One connection object per client
// keeps itself alive through its own handlers; requests go to Api::handle (a pure function),
// except GET /api/v1/live, which turns the connection into a server-sent-events stream fed by
// the LiveHub. Requests that load experiment files (Api::evaluates_files) are handled on a
// worker thread, so a slow or hostile file never holds up status or halt. Bodies are limited to kMaxBody; reading a request times out after 30 s; a live
// stream whose client falls too far behind is closed.
//
// Beast stays inside http_server.cpp: this header is cheap to include.
//
// Thread-safety: listen() and run() from one thread; stop() from any thread.

#include <memory>
#include <string>

#include "common/status.h"
#include "server/api.h"
#include "server/live_hub.h"

namespace chaos::server {

class HttpServer {
 public:
  static constexpr size_t kMaxBody = 64 * 1024;

  HttpServer(Api& api, LiveHub& hub);
  ~HttpServer();

  // "127.0.0.1:8080"; port 0 picks a free port (see port()).
  Status listen(const std::string& address);
  unsigned short port() const;
  // Serves until stop().
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chaos::server
