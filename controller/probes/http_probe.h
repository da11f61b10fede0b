#pragma once
// HttpProbe: one HTTP request per sample with libcurl. The sample's value is the request's
// latency in milliseconds; it is ok when the transfer succeeded, the status is the expected
// one and, if asked, the body contains a given text. The connection is reused between samples
// (keep-alive), as a real client would.

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"
#include "probes/probe.h"

namespace chaos::probes {

struct HttpProbeConfig {
  std::string url;
  std::string method = "GET";
  std::chrono::microseconds timeout = std::chrono::seconds(2);
  int expect_status = 0;  // 0: any 2xx or 3xx
  std::string body_contains;  // empty: not checked
};

class HttpProbe final : public Probe {
 public:
  // Validates `config` (a URL with a host, a timeout of at least 1ms); errors name the field:
  // "http probe: url: 'http://' has no host; ...".
  static Result<std::unique_ptr<HttpProbe>> create(HttpProbeConfig config);
  ~HttpProbe() override;
  ProbeSample sample(Clock& clock) override;
  void cancel() override;
  std::string unit() const override { return "ms"; }

 private:
  explicit HttpProbe(HttpProbeConfig config);
  struct Curl;
  HttpProbeConfig config_;
  std::unique_ptr<Curl> curl_;
};

}  // namespace chaos::probes
