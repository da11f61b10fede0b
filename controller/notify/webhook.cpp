#include "notify/webhook.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace chaos::notify {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The scheme ("http") and where the host part ends, or npos when the URL has neither.
struct Parts {
  std::string scheme;
  size_t host_begin = std::string_view::npos;
  size_t host_end = std::string_view::npos;
};

Parts split_url(std::string_view url) {
  Parts p;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return p;
  p.scheme = std::string(url.substr(0, sep));
  std::transform(p.scheme.begin(), p.scheme.end(), p.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  p.host_begin = sep + 3;
  p.host_end = std::min(url.find_first_of("/?#", p.host_begin), url.size());
  return p;
}

// Loopback is never sent through a proxy; whatever no_proxy the environment has still applies.
std::string no_proxy_list() {
  std::string list = "localhost,127.0.0.1,::1";
  for (const char* name : {"no_proxy", "NO_PROXY"}) {
    if (const char* v = std::getenv(name); v && *v) return std::string(v) + "," + list;
  }
  return list;
}

size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

Status check_webhook_url(std::string_view url) {
  const Parts p = split_url(url);
  if (p.scheme != "http" && p.scheme != "https") {
    return Status::invalid_argument("'" + std::string(url) + "' is not an http:// or https:// URL");
  }
  if (p.host_end <= p.host_begin) {
    return Status::invalid_argument("'" + std::string(url) + "' has no host");
  }
  for (char c : url) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return Status::invalid_argument("'" + std::string(url) + "' contains white space");
    }
  }
  return Status::ok();
}

std::string redact_url(std::string_view url) {
  const Parts p = split_url(url);
  if (p.host_begin == std::string_view::npos) return "(not a URL)";
  std::string host(url.substr(p.host_begin, p.host_end - p.host_begin));
  if (const size_t at = host.rfind('@'); at != std::string::npos)
    host.erase(0, at + 1);  // user:pass@
  const bool more = p.host_end < url.size() && url.substr(p.host_end) != "/";
  return p.scheme + "://" + host + (more ? "/..." : "/");
}

boost::json::object with_text(boost::json::object document, std::string_view text) {
  boost::json::object out;
  out["text"] = text;
  for (auto& [key, value] : document) {
    if (key != "text") out[key] = std::move(value);
  }
  return out;
}

Status post_json(const std::string& url, const std::string& json_body,
                 std::chrono::milliseconds timeout) {
  if (Status s = check_webhook_url(url); !s) return s;
  global_init_once();
  CURL* h = curl_easy_init();
  if (!h) return Status::io_error("webhook " + redact_url(url) + ": libcurl could not start");
  char error[CURL_ERROR_SIZE] = {};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  const std::string no_proxy = no_proxy_list();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, json_body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "chaosctl");
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, no_proxy.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, std::max<long>(1, static_cast<long>(timeout.count())));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  curl_slist_free_all(headers);
  const std::string where = "webhook " + redact_url(url) + ": ";
  if (rc != CURLE_OK) {
    return Status::io_error(where + (error[0] ? error : curl_easy_strerror(rc)));
  }
  if (status < 200 || status > 299) {
    return Status::failed(where + "answered HTTP " + std::to_string(status));
  }
  return Status::ok();
}

}  // namespace chaos::notify
