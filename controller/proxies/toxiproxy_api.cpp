#include "proxies/toxiproxy_api.h"

#include <boost/json.hpp>
#include <vector>

#include "common/utf8.h"
#include "server/host_check.h"
#include "server/token.h"

namespace chaos::proxies {

namespace json = boost::json;
using server::HttpRequest;
using server::HttpResponse;

namespace {

HttpResponse reply(int status, const json::value& body) {
  HttpResponse r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  return r;
}

// Toxiproxy's error body.
HttpResponse error(int status, const std::string& message) {
  return reply(status, json::object{{"error", message}, {"status", status}});
}

int status_for(Refusal why) {
  switch (why) {
    case Refusal::kBadRequest:
      return 400;
    case Refusal::kNotFound:
      return 404;
    case Refusal::kConflict:
      return 409;
    case Refusal::kFailed:
    case Refusal::kNone:
      break;
  }
  return 500;
}

template <typename T>
HttpResponse refused(const Answer<T>& answer) {
  return error(status_for(answer.refusal), answer.message);
}

json::object proxy_json(const ProxyView& p) {
  json::array toxics;
  for (const Toxic& t : p.toxics) toxics.push_back(t.to_json());
  json::object o{{"name", p.name},
                 {"listen", p.listen},
                 {"upstream", p.upstream},
                 {"enabled", p.enabled},
                 {"toxics", std::move(toxics)}};
  if (!p.upstream_address.empty()) o["upstream_address"] = p.upstream_address;
  return o;
}

json::object lease_json(const LeasedFaultView& f) {
  return json::object{{"id", f.id},       {"proxy", f.proxy},
                      {"kind", f.kind},   {"params", f.params},
                      {"owner", f.owner}, {"expires_unix_ms", f.expires_unix_ms}};
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t at = 1;
  while (at <= path.size()) {
    const size_t slash = path.find('/', at);
    const size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > at) parts.push_back(path.substr(at, end - at));
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  return parts;
}

// Parses a request body; an empty one is an empty object (Toxiproxy's POST /reset has none).
bool parse_body(const HttpRequest& request, json::value& out, HttpResponse& failure) {
  if (request.body.empty()) {
    out = json::object();
    return true;
  }
  if (auto bad = first_invalid_utf8(request.body)) {
    failure = error(
        400, "bad request body: not UTF-8 text (byte " + std::to_string(*bad + 1) + " is not)");
    return false;
  }
  boost::system::error_code ec;
  out = json::parse(request.body, ec);
  if (ec) {
    failure = error(400, "bad request body: " + ec.message());
    return false;
  }
  return true;
}

Result<ProxySpec> proxy_spec(const json::value& body) {
  if (!body.is_object())
    return Status::invalid_argument("bad request body: expected a JSON object");
  const json::object& o = body.as_object();
  ProxySpec spec;
  for (const char* field : {"name", "listen", "upstream"}) {
    const json::value* v = o.if_contains(field);
    if (!v || v->is_null()) continue;
    if (!v->is_string())
      return Status::invalid_argument(std::string("bad request body: ") + field +
                                      ": expected a string");
    std::string text(v->as_string());
    if (field[0] == 'n')
      spec.name = std::move(text);
    else if (field[0] == 'l')
      spec.listen = std::move(text);
    else
      spec.upstream = std::move(text);
  }
  if (const json::value* v = o.if_contains("enabled"); v && !v->is_null()) {
    if (!v->is_bool())
      return Status::invalid_argument("bad request body: enabled: expected true or false");
    spec.enabled = v->as_bool();
  }
  if (spec.name.empty()) return Status::invalid_argument("missing required field: name");
  if (spec.upstream.empty()) return Status::invalid_argument("missing required field: upstream");
  return spec;
}

// ttl_ms, a whole number of milliseconds; 0 (refused by the lease) when missing. Anything but
// an integer is refused here: to_number<int64_t> throws on 1.5 or 1e30, and a throw on the
// I/O thread ended the whole process.
Result<std::chrono::milliseconds> ttl_of(const json::value& body) {
  const json::value* v = body.is_object() ? body.as_object().if_contains("ttl_ms") : nullptr;
  if (!v || v->is_null()) return std::chrono::milliseconds(0);
  if (v->is_int64()) return std::chrono::milliseconds(v->as_int64());
  if (v->is_uint64()) return std::chrono::milliseconds(INT64_MAX);  // past any bound: refused
  return Status::invalid_argument(
      "ttl_ms: expected a whole number of milliseconds from 1 to "
      "600000, got " +
      json::serialize(*v));
}

bool changes_something(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

HttpResponse ToxiproxyApi::handle(const HttpRequest& request) {
  if (request.user_agent.rfind("Mozilla/", 0) == 0) return error(403, "User agent not allowed");
  if (!server::host_allowed(request.host, config_.listen_host, {}))
    return error(
        421, "this API does not answer to the host '" + server::host_name_of(request.host) + "'");
  if (changes_something(request.method)) {
    const bool presented = !request.authorization.empty();
    const bool open = config_.tokenless_loopback && !presented;
    if (!open && !server::token_matches(config_.token, request.authorization)) {
      return error(401, config_.tokenless_loopback
                            ? "wrong token in Authorization (send none, or the right one)"
                            : "changes need Authorization: Bearer TOKEN (this API listens beyond "
                              "loopback)");
    }
  }
  std::string path = request.target.substr(0, request.target.find('?'));
  return route(request, path);
}

HttpResponse ToxiproxyApi::route(const HttpRequest& request, const std::string& path) {
  const std::string& m = request.method;
  const std::vector<std::string> parts = split_path(path);
  json::value body;
  HttpResponse failure;
  const bool with_body = m == "POST" || m == "PATCH";
  if (with_body && !parse_body(request, body, failure)) return failure;

  if (parts.size() >= 2 && parts[0] == "chaosctl" && parts[1] == "v1")
    return leases(request, path.substr(std::string("/chaosctl/v1").size()));
  if (parts.size() == 1 && parts[0] == "version" && m == "GET") {
    HttpResponse r = reply(200, json::object{{"version", config_.version}});
    r.content_type = "application/json;charset=utf-8";
    return r;
  }
  if (parts.size() == 1 && parts[0] == "reset" && m == "POST") {
    proxies_.reset();
    return no_content();
  }
  if (parts.size() == 1 && parts[0] == "populate" && m == "POST") {
    if (!body.is_array()) return error(400, "bad request body: expected an array of proxies");
    std::vector<ProxySpec> specs;
    for (const json::value& item : body.as_array()) {
      auto spec = proxy_spec(item);
      if (!spec) return error(400, spec.status().message());
      specs.push_back(spec.value());
    }
    std::vector<ProxyView> done;
    auto result = proxies_.populate(specs, done);
    json::array out;
    for (const ProxyView& p : done) out.push_back(proxy_json(p));
    if (!result) {
      const int status = status_for(result.refusal);
      return reply(status,
                   json::object{{"error", result.message}, {"status", status}, {"proxies", out}});
    }
    return reply(201, json::object{{"proxies", out}});
  }
  if (parts.empty() || parts[0] != "proxies") return error(404, "not found: " + m + " " + path);
  if (parts.size() == 1) {
    if (m == "GET") {
      json::object out;
      for (const ProxyView& p : proxies_.list()) out[p.name] = proxy_json(p);
      return reply(200, out);
    }
    if (m == "POST") {
      auto spec = proxy_spec(body);
      if (!spec) return error(400, spec.status().message());
      auto added = proxies_.add(spec.value());
      return added ? reply(201, proxy_json(*added.value)) : refused(added);
    }
  }
  if (parts.size() == 2) {
    const std::string& name = parts[1];
    if (m == "GET") {
      auto p = proxies_.get(name);
      return p ? reply(200, proxy_json(*p.value)) : refused(p);
    }
    if (m == "POST" || m == "PATCH") {
      auto p = proxies_.update(name, body);
      return p ? reply(200, proxy_json(*p.value)) : refused(p);
    }
    if (m == "DELETE") {
      auto removed = proxies_.remove(name);
      return removed ? no_content() : refused(removed);
    }
  }
  if (parts.size() == 3 && parts[2] == "toxics") {
    if (m == "GET") {
      auto p = proxies_.get(parts[1]);
      if (!p) return refused(p);
      json::array out;
      for (const Toxic& t : p.value->toxics) out.push_back(t.to_json());
      return reply(200, out);
    }
    if (m == "POST") {
      auto t = proxies_.add_toxic(parts[1], body);
      return t ? reply(200, t.value->to_json()) : refused(t);
    }
  }
  if (parts.size() == 4 && parts[2] == "toxics") {
    if (m == "GET") {
      auto t = proxies_.get_toxic(parts[1], parts[3]);
      return t ? reply(200, t.value->to_json()) : refused(t);
    }
    if (m == "POST" || m == "PATCH") {
      auto t = proxies_.update_toxic(parts[1], parts[3], body);
      return t ? reply(200, t.value->to_json()) : refused(t);
    }
    if (m == "DELETE") {
      auto removed = proxies_.remove_toxic(parts[1], parts[3]);
      return removed ? no_content() : refused(removed);
    }
  }
  return error(405, "method not allowed: " + m + " " + path);
}

HttpResponse ToxiproxyApi::leases(const HttpRequest& request, const std::string& rest) {
  const std::string& m = request.method;
  const std::vector<std::string> parts = split_path(rest);
  json::value body;
  HttpResponse failure;
  if ((m == "POST") && !parse_body(request, body, failure)) return failure;
  if (parts.size() == 1 && parts[0] == "faults") {
    if (m == "GET") {
      json::array out;
      for (const LeasedFaultView& f : proxies_.leased()) out.push_back(lease_json(f));
      return reply(200, out);
    }
    if (m == "POST") {
      if (!body.is_object()) return error(400, "bad request body: expected a JSON object");
      const json::object& o = body.as_object();
      auto text = [&](const char* key) {
        const json::value* v = o.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      const json::value* params = o.if_contains("params");
      if (text("proxy").empty()) return error(400, "missing required field: proxy");
      if (text("kind").empty()) return error(400, "missing required field: kind");
      auto ttl = ttl_of(body);
      if (!ttl) return error(400, ttl.status().message());
      auto f = proxies_.add_leased(text("proxy"), text("kind"),
                                   params ? *params : json::value(json::object()), ttl.value(),
                                   text("owner"), text("id"));
      return f ? reply(201, lease_json(*f.value)) : refused(f);
    }
  }
  if (parts.size() == 2 && parts[0] == "faults" && m == "POST") {
    const json::value* params = body.is_object() ? body.as_object().if_contains("params") : nullptr;
    if (!params) return error(400, "missing required field: params");
    auto f = proxies_.update_leased(parts[1], *params);
    return f ? reply(200, lease_json(*f.value)) : refused(f);
  }
  if (parts.size() == 2 && parts[0] == "faults" && m == "DELETE") {
    auto removed = proxies_.remove_leased(parts[1]);
    return removed ? no_content() : refused(removed);
  }
  if (parts.size() == 3 && parts[0] == "faults" && parts[2] == "renew" && m == "POST") {
    auto ttl = ttl_of(body);
    if (!ttl) return error(400, ttl.status().message());
    auto f = proxies_.renew(parts[1], ttl.value());
    return f ? reply(200, lease_json(*f.value)) : refused(f);
  }
  return error(404, "not found: " + m + " /chaosctl/v1" + rest);
}

}  // namespace chaos::proxies
