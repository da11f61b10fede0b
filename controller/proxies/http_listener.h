#pragma once
// HttpListener: a small Boost.Beast HTTP/1.1 server for an API that is a pure function from
// request to response (ToxiproxyApi), on its own thread. Keep-alive, 64 KiB bodies, a 30 s
// read timeout; nothing streams. Beast stays inside http_listener.cpp.
//
// Thread-safety: listen() once, then start(); stop() from any thread (also from the
// destructor). The handler is called on the listener's thread.

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "server/http_types.h"

namespace chaos::proxies {

using HttpHandler = std::function<server::HttpResponse(const server::HttpRequest&)>;

class HttpListener {
 public:
  static constexpr size_t kMaxBody = 64 * 1024;

  explicit HttpListener(HttpHandler handler);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // "127.0.0.1:8474" (an IP address; "localhost" means 127.0.0.1); port 0 picks a free port.
  // Errors name `flag` ("--api-listen: ...").
  Status listen(const std::string& address, const std::string& flag);
  unsigned short port() const;
  bool loopback() const;  // bound to a loopback address only
  void start();  // serves on a thread of its own until stop()
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chaos::proxies
