#include "probes/probe_checks.h"

#include <curl/curl.h>

#include <memory>

namespace chaos::probes {

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// The part, or empty when the URL has none.
std::string part_of(CURLU* url, CURLUPart which) {
  char* text = nullptr;
  if (curl_url_get(url, which, &text, 0) != CURLUE_OK || !text) return {};
  std::string out(text);
  curl_free(text);
  return out;
}

}  // namespace

Status check_probe_url(const std::string& url) {
  const std::string quoted = "'" + url + "'";
  const char* const example = "; expected a URL like http://127.0.0.1:8080/health";
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return Status::invalid_argument(quoted + " must start with http:// or https://");
  }
  // The authority, as written: libcurl would read "http:///health" as the host "health".
  const size_t authority = url.find("://") + 3;
  const size_t authority_end = url.find_first_of("/?#", authority);
  if (url.substr(authority, authority_end - authority).empty()) {
    return Status::invalid_argument(quoted + " has no host" + example);
  }
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (!parsed) return Status::failed("libcurl could not allocate a URL parser");
  const CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0);
  if (rc != CURLUE_OK) {
    return Status::invalid_argument(quoted + " is not a valid URL (" + curl_url_strerror(rc) + ")" +
                                    example);
  }
  if (part_of(parsed.get(), CURLUPART_HOST).empty()) {
    return Status::invalid_argument(quoted + " has no host" + example);
  }
  return Status::ok();
}

Status check_probe_timeout(Micros timeout) {
  if (timeout >= kMinProbeTimeout) return Status::ok();
  return Status::invalid_argument(
      "'" + format_duration(timeout) +
      "' is too short; the shortest timeout is 1ms (libcurl counts milliseconds, and would "
      "take less as no timeout at all)");
}

}  // namespace chaos::probes
