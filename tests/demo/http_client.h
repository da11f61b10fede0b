#pragma once
// A blocking HTTP GET over libcurl for tests. Safe to call from many threads at once (each
// call uses its own handle).

#include <chrono>
#include <string>

namespace chaos::demo::testing {

struct HttpResult {
  long status = 0;  // 0 when no response arrived
  std::string body;
  std::string error;  // curl's message when status is 0
};

// REQUIRES: curl_global_init has been called (see CurlGlobal).
HttpResult http_get(const std::string& url, std::chrono::milliseconds timeout);

// GETs `url` `count` times on one curl handle, which reuses its connection if the server keeps
// it alive. Returns how many connections were opened in total (1 = keep-alive works), or -1
// if a request failed or did not answer 200.
long connections_for_sequential_gets(const std::string& url, int count);

// Holds curl's global state for the life of the test binary.
struct CurlGlobal {
  CurlGlobal();
  ~CurlGlobal();
};

}  // namespace chaos::demo::testing
