#pragma once
// HttpRequest / HttpResponse: what the API sees of HTTP. Plain values, no Boost.Beast, so the
// request handling (api.h) is a pure function that tests call without sockets, and Beast stays
// inside http_server.cpp.

#include <string>
#include <utility>
#include <vector>

namespace chaos::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/api/v1/runs?verdict=aborted"
  std::string authorization;  // the Authorization header, "" when absent
  std::string body;
  std::string host;  // the Host header, "" when absent
  std::string user_agent;  // the User-Agent header, "" when absent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

}  // namespace chaos::server
