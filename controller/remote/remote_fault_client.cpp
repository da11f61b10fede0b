#include "remote/remote_fault_client.h"

#include <curl/curl.h>

#include <boost/json.hpp>

namespace chaos::remote {

namespace json = boost::json;

namespace {

constexpr size_t kMaxBody = 64 * 1024;

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > kMaxBody) return 0;  // fails the transfer
  out->append(data, size * n);
  return size * n;
}

// The holder's error text ({"error": ...}), or the body itself.
std::string error_text(const std::string& body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const json::value* e = v.as_object().if_contains("error"); e && e->is_string())
      return std::string(e->as_string());
  }
  return body;
}

Result<RemoteFault> fault_of(const std::string& body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return Status::io_error("the holder answered with something that is not a fault: " + body);
  const json::object& o = v.as_object();
  const json::value* id = o.if_contains("id");
  const json::value* expires = o.if_contains("expires_unix_ms");
  if (!id || !id->is_string() || !expires || !expires->is_number())
    return Status::io_error("the holder answered without id and expires_unix_ms: " + body);
  return RemoteFault{std::string(id->as_string()), expires->to_number<int64_t>()};
}

}  // namespace

struct RemoteFaultClient::Curl {
  CURL* handle = curl_easy_init();
  ~Curl() {
    if (handle) curl_easy_cleanup(handle);
  }
};

RemoteFaultClient::RemoteFaultClient(RemoteEndpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout), curl_(std::make_unique<Curl>()) {
  while (!endpoint_.base_url.empty() && endpoint_.base_url.back() == '/') endpoint_.base_url.pop_back();
}

RemoteFaultClient::~RemoteFaultClient() = default;

Result<RemoteFaultClient::Reply> RemoteFaultClient::request(const char* method,
                                                            const std::string& path,
                                                            const std::string& body) {
  CURL* c = curl_->handle;
  if (!c) return Status::failed("cannot start libcurl");
  curl_easy_reset(c);
  const std::string url = endpoint_.base_url + path;
  Reply reply;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::string auth;
  if (!endpoint_.token.empty()) {
    auth = "Authorization: Bearer " + endpoint_.token;
    headers = curl_slist_append(headers, auth.c_str());
  }
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  if (std::string(method) != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    return Status::io_error(std::string(method) + " " + url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

Result<RemoteFault> RemoteFaultClient::create(const std::string& proxy, const std::string& kind,
                                              const json::object& params,
                                              std::chrono::milliseconds ttl,
                                              const std::string& owner,
                                              const std::string& id) {
  json::object body{{"proxy", proxy},
                    {"kind", kind},
                    {"params", params},
                    {"ttl_ms", ttl.count()},
                    {"owner", owner}};
  if (!id.empty()) body["id"] = id;
  auto reply = request("POST", "/chaosctl/v1/faults", json::serialize(body));
  if (!reply) return reply.status();
  if (reply->status == 201) return fault_of(reply->body);
  const std::string why = endpoint_.base_url + " refused the " + kind + " fault on proxy '" +
                          proxy + "' (HTTP " + std::to_string(reply->status) +
                          "): " + error_text(reply->body);
  if (reply->status == 400) return Status::invalid_argument(why);
  if (reply->status == 404) return Status::not_found(why);
  return Status::failed(why);
}

Result<RemoteFault> RemoteFaultClient::renew(const std::string& id, std::chrono::milliseconds ttl) {
  auto reply = request("POST", "/chaosctl/v1/faults/" + id + "/renew",
                       json::serialize(json::object{{"ttl_ms", ttl.count()}}));
  if (!reply) return reply.status();
  if (reply->status == 200) return fault_of(reply->body);
  const std::string why = "renewing " + id + " at " + endpoint_.base_url + " (HTTP " +
                          std::to_string(reply->status) + "): " + error_text(reply->body);
  return reply->status == 404 ? Status::not_found(why) : Status::failed(why);
}

Status RemoteFaultClient::update(const std::string& id, const json::object& params) {
  auto reply = request("POST", "/chaosctl/v1/faults/" + id,
                       json::serialize(json::object{{"params", params}}));
  if (!reply) return reply.status();
  if (reply->status == 200) return Status::ok();
  const std::string why = "updating " + id + " at " + endpoint_.base_url + " (HTTP " +
                          std::to_string(reply->status) + "): " + error_text(reply->body);
  if (reply->status == 400) return Status::invalid_argument(why);
  return reply->status == 404 ? Status::not_found(why) : Status::failed(why);
}

Result<json::object> RemoteFaultClient::proxy(const std::string& name) {
  auto reply = request("GET", "/proxies/" + name, "");
  if (!reply) return reply.status();
  boost::system::error_code ec;
  const json::value v = json::parse(reply->body, ec);
  if (reply->status == 404)
    return Status::not_found("no standing proxy '" + name + "' at " + endpoint_.base_url);
  if (reply->status != 200 || ec || !v.is_object())
    return Status::failed(endpoint_.base_url + "/proxies/" + name + " answered HTTP " +
                          std::to_string(reply->status) + ": " + error_text(reply->body));
  return v.as_object();
}

Status RemoteFaultClient::remove(const std::string& id) {
  auto reply = request("DELETE", "/chaosctl/v1/faults/" + id, "");
  if (!reply) return reply.status();
  if (reply->status == 204) return Status::ok();
  const std::string why = "removing " + id + " at " + endpoint_.base_url + " (HTTP " +
                          std::to_string(reply->status) + "): " + error_text(reply->body);
  return reply->status == 404 ? Status::not_found(why) : Status::failed(why);
}

}  // namespace chaos::remote
