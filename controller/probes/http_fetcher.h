#pragma once
// HttpFetcher: GET requests over one libcurl handle, so consecutive fetches reuse the kept-alive
// connection. Shared by the probes that read metrics over HTTP (ScrapeProbe, PrometheusProbe).
// Never goes through a proxy; the body is capped so a runaway endpoint cannot eat memory.
//
// Thread-safety: none; one owner (a probe, on its runner's thread).

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/duration.h"
#include "common/status.h"

namespace chaos::probes {

struct HttpResponse {
  long status = 0;
  std::string content_type;
  std::string body;
};

class HttpFetcher {
 public:
  HttpFetcher();
  ~HttpFetcher();
  HttpFetcher(const HttpFetcher&) = delete;
  HttpFetcher& operator=(const HttpFetcher&) = delete;

  // GETs `url` within `timeout` (connecting included). A transfer failure is an io_error whose
  // message is curl's ("Couldn't connect to server", "Timeout was reached"); an HTTP error
  // status is NOT a failure here — the caller judges the status. A body over `max_body` bytes
  // fails the transfer.
  Result<HttpResponse> get(const std::string& url, Micros timeout, std::string_view accept,
                           size_t max_body);

  // Percent-encodes `text` for a query string.
  std::string escape(std::string_view text);

  // Makes the get() in progress, and every later one, fail at once with "cancelled". Any
  // thread; never blocks.
  void cancel();

 private:
  struct Curl;
  std::unique_ptr<Curl> curl_;
};

// Cuts `text` to at most `max` bytes, marking the cut: "...(1234 more bytes)". Used to keep
// ProbeSample::detail short.
std::string truncate_for_detail(std::string_view text, size_t max = 2048);

}  // namespace chaos::probes
