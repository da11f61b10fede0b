#include "probes/http_fetcher.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "probes/curl_transfer.h"

namespace chaos::probes {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* body;
  size_t max;
  bool overflow = false;
};

size_t collect(char* data, size_t size, size_t n, void* out) {
  auto* sink = static_cast<Sink*>(out);
  if (sink->body->size() + size * n > sink->max) {
    sink->overflow = true;
    return 0;  // aborts the transfer
  }
  sink->body->append(data, size * n);
  return size * n;
}

}  // namespace

struct HttpFetcher::Curl {
  CurlTransfer transfer;  // destroyed after the easy handle below has been cleaned up
  CURL* handle = nullptr;
  ~Curl() {
    if (handle) curl_easy_cleanup(handle);
  }
};

HttpFetcher::HttpFetcher() : curl_(std::make_unique<Curl>()) {
  global_init_once();
  curl_->handle = curl_easy_init();
}

HttpFetcher::~HttpFetcher() = default;

void HttpFetcher::cancel() { curl_->transfer.cancel(); }

Result<HttpResponse> HttpFetcher::get(const std::string& url, Micros timeout,
                                      std::string_view accept, size_t max_body) {
  CURL* h = curl_->handle;
  if (!h) return Status::io_error("libcurl could not be initialised");
  HttpResponse response;
  Sink sink{&response.body, max_body};
  const std::string accept_header = "Accept: " + std::string(accept);
  curl_slist* headers = curl_slist_append(nullptr, accept_header.c_str());
  const long timeout_ms = std::max<long>(
      1, static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // metrics go where they are told, never via a proxy
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // gzip when the server offers it
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);

  const CURLcode rc = curl_->transfer.perform(h);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(headers);
  if (sink.overflow) {
    return Status::io_error("the response is larger than " + std::to_string(max_body) + " bytes");
  }
  if (curl_->transfer.cancelled()) return Status::io_error("cancelled: the run is ending");
  if (rc != CURLE_OK) {
    // curl's own words, plus the system's ("Connection refused") when there is one.
    std::string message = error[0] ? error : curl_easy_strerror(rc);
    long os_errno = 0;
    curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    if (os_errno != 0 && rc == CURLE_COULDNT_CONNECT) {
      message += std::string(" (") + std::strerror(static_cast<int>(os_errno)) + ")";
    }
    return Status::io_error(message);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  char* type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
  if (type) response.content_type = type;
  return response;
}

std::string HttpFetcher::escape(std::string_view text) {
  char* escaped = curl_easy_escape(curl_->handle, text.data(), static_cast<int>(text.size()));
  if (!escaped) return {};
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

std::string truncate_for_detail(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  // Cut on a UTF-8 character boundary, so the detail stays valid text.
  while (max > 0 && (static_cast<unsigned char>(text[max]) & 0xC0) == 0x80) --max;
  return std::string(text.substr(0, max)) + "...(" + std::to_string(text.size() - max) +
         " more bytes)";
}

}  // namespace chaos::probes
