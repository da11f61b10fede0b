#include "probes/http_probe.h"

#include <curl/curl.h>

#include <mutex>

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
  CURL* handle = nullptr;
  ~Curl() {
    if (handle) curl_easy_cleanup(handle);
  }
};

HttpProbe::HttpProbe(HttpProbeConfig config) : config_(std::move(config)), curl_(new Curl) {
  global_init_once();
  curl_->handle = curl_easy_init();
}

HttpProbe::~HttpProbe() = default;

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
  CURLcode rc = curl_easy_perform(h);
  s.at = clock.now();
  s.unix_ms = clock.unix_ms();
  s.value = std::chrono::duration<double, std::milli>(s.at - started).count();

  if (rc != CURLE_OK) {
    s.ok = false;
    s.error = curl_easy_strerror(rc);
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
