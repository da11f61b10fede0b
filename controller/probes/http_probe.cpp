#include "probes/http_probe.h"

#include <curl/curl.h>

#include <mutex>

#include "probes/curl_transfer.h"
#include "probes/probe_checks.h"

namespace chaos::probes {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t collect_body(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  // Only the start of the body matters for matching; cap memory for large responses.
  if (body->size() < 64 * 1024) body->append(data, std::min(size * n, 64 * 1024 - body->size()));
  return size * n;
}

}  // namespace

struct HttpProbe::Curl {
  CurlTransfer transfer;  // destroyed after the easy handle below has been cleaned up
  CURL* handle = nullptr;
  ~Curl() {
    if (handle) curl_easy_cleanup(handle);
  }
};

Result<std::unique_ptr<HttpProbe>> HttpProbe::create(HttpProbeConfig config) {
  if (Status st = check_probe_url(config.url); !st) {
    return Status::invalid_argument("http probe: url: " + st.message());
  }
  if (Status st = check_probe_timeout(config.timeout); !st) {
    return Status::invalid_argument("http probe: timeout: " + st.message());
  }
  return std::unique_ptr<HttpProbe>(new HttpProbe(std::move(config)));
}

HttpProbe::HttpProbe(HttpProbeConfig config) : config_(std::move(config)), curl_(new Curl) {
  global_init_once();
  curl_->handle = curl_easy_init();
}

HttpProbe::~HttpProbe() = default;

void HttpProbe::cancel() { curl_->transfer.cancel(); }

ProbeSample HttpProbe::sample(Clock& clock) {
  ProbeSample s;
  std::string body;
  CURL* h = curl_->handle;
  curl_easy_setopt(h, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, config_.method.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         config_.timeout)
                                         .count()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // probes go where they are told, never via a proxy

  const SteadyTime started = clock.now();
  CURLcode rc = h ? curl_->transfer.perform(h) : CURLE_FAILED_INIT;
  s.at = clock.now();
  s.unix_ms = clock.unix_ms();
  s.value = std::chrono::duration<double, std::milli>(s.at - started).count();

  if (rc != CURLE_OK) {
    s.ok = false;
    s.error = curl_->transfer.cancelled() ? "cancelled: the run is ending" : curl_easy_strerror(rc);
    return s;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  const bool status_ok =
      config_.expect_status ? status == config_.expect_status : status >= 200 && status < 400;
  if (!status_ok) {
    s.ok = false;
    s.error = "HTTP " + std::to_string(status);
  } else if (!config_.body_contains.empty() && body.find(config_.body_contains) == std::string::npos) {
    s.ok = false;
    s.error = "body does not contain \"" + config_.body_contains + "\"";
  }
  return s;
}

}  // namespace chaos::probes
