#pragma once
// The shop's view of HTTP: plain request/response values, so request handling is a function
// from request to response that tests and handlers use without Beast or sockets.

#include <string>

namespace chaos::demo {

struct HttpRequest {
  std::string method;  // "GET", ...
  std::string path;    // the target without its query string
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

}  // namespace chaos::demo
