#include "server/api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>

#include "server/host_check.h"
#include "server/token.h"
#include "server/web_assets.h"

namespace chaos::server {

namespace json = boost::json;

HttpResponse json_response(int status, const json::value& body) {
  HttpResponse r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

HttpResponse error_response(int status, const std::string& message) {
  return json_response(status, json::object{{"error", message}});
}

HttpResponse status_response(const Status& status) {
  switch (status.code()) {
    case Status::Code::kNotFound: return error_response(404, status.message());
    case Status::Code::kInvalidArgument: return error_response(400, status.message());
    default: return error_response(500, status.message());
  }
}

namespace {

// A run id: digits only, no sign, no leading garbage, within int64.
std::optional<int64_t> parse_id(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int64_t id = std::stoll(text);
  if (id <= 0) return std::nullopt;
  return id;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

HttpResponse method_not_allowed(const std::string& allow) {
  HttpResponse r = error_response(405, "method not allowed here; use " + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

}  // namespace

Api::Api(ApiConfig config, store::Store& store, const plugin_host::PluginRegistry& registry,
         RunManager& runs, Clock& clock)
    : config_(std::move(config)), store_(store), registry_(registry), runs_(runs), clock_(clock) {}

std::vector<std::string> Api::expand_experiments(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".lua") {
          found.push_back(entry.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(path);
    }
  }
  return out;
}

bool Api::is_live_stream(const HttpRequest& request) {
  return request.method == "GET" &&
         request.target.substr(0, request.target.find('?')) == "/api/v1/live";
}

bool Api::evaluates_files(const HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::string trimmed = path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path;
  return (request.method != "POST" && trimmed == "/api/v1/experiments") ||
         (request.method == "POST" && trimmed == "/api/v1/runs");
}

std::string Api::live_snapshot() const {
  std::string frames;
  const int64_t now = clock_.unix_ms();
  for (const auto& state : runs_.active()) {
    frames += "event: status\ndata: " + RunManager::state_json(state, now) + "\n\n";
  }
  const HaltState halt = runs_.last_halt();
  if (halt.requested_unix_ms != 0) {
    json::array ids(halt.runs.begin(), halt.runs.end());
    frames += "event: " + std::string(halt.done_unix_ms ? "halt_done" : "halt") + "\ndata: " +
              json::serialize(json::object{{"requested_unix_ms", halt.requested_unix_ms},
                                           {"done_unix_ms", halt.done_unix_ms},
                                           {"ms", halt.done_unix_ms ? halt.done_unix_ms -
                                                                          halt.requested_unix_ms
                                                                    : 0},
                                           {"runs", ids}}) +
              "\n\n";
  }
  return frames;
}

bool Api::host_allowed(const HttpRequest& request) const {
  return server::host_allowed(request.host, config_.listen_host, config_.allowed_hosts);
}

HttpResponse Api::handle(const HttpRequest& request) {
  if (!host_allowed(request)) {
    return error_response(
        421, "this server does not answer to the host '" + request.host +
                 "' (it answers to localhost, loopback addresses and the address it listens "
                 "on); if that is its name, start it with --allow-host " +
                 host_name_of(request.host));
  }
  const size_t q = request.target.find('?');
  const std::string path = request.target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : request.target.substr(q + 1);
  HttpResponse response = route(request, path, query);
  // The API's answers are never cached: they change with every run.
  if (path.rfind("/api/", 0) == 0) response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

HttpResponse Api::route(const HttpRequest& request, const std::string& path,
                        const std::string& query) {
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool post = request.method == "POST";
  if (path == "/metrics") return get ? metrics() : method_not_allowed("GET");

  const auto parts = split_path(path);
  if (parts.size() < 2 || parts[0] != "api") {
    if (!get) return method_not_allowed("GET");
    const std::string file = path == "/" ? "/index.html" : path;
    for (const WebAsset& asset : web_assets()) {
      if (asset.path == file) {
        HttpResponse r;
        r.content_type = std::string(asset.content_type);
        r.body = std::string(asset.bytes);
        return r;
      }
    }
    return error_response(404, "no such page: " + path);
  }
  if (parts[1] != "v1") return error_response(404, "unknown API version '" + parts[1] + "' (use /api/v1)");
  const std::vector<std::string> rest(parts.begin() + 2, parts.end());
  if (rest.empty()) return error_response(404, "no such endpoint: " + path);

  // State changes: POST only, and only with the token.
  const bool writes = rest[0] == "halt" || (rest[0] == "runs" && rest.size() == 1 && post) ||
                      (rest[0] == "runs" && rest.size() == 3 && rest[2] == "abort");
  if (writes) {
    if (!post) return method_not_allowed("POST");
    if (!token_matches(config_.token, request.authorization)) {
      HttpResponse r = error_response(
          401, "this request changes something: send Authorization: Bearer TOKEN (the token is "
               "in " + token_path_for(config_.db_path) + " unless given with --token)");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    if (rest[0] == "halt") return rest.size() == 1 ? halt() : error_response(404, "no such endpoint: " + path);
    if (rest.size() == 1) return start_run(request);
    auto id = parse_id(rest[1]);
    if (!id) return error_response(400, "bad run id '" + rest[1] + "': expected a positive integer");
    return abort_run(*id);
  }

  if (!get) return method_not_allowed(rest[0] == "runs" && rest.size() == 1 ? "GET, POST" : "GET");
  if (rest[0] == "runs") {
    if (rest.size() == 1) return list_runs(query);
    auto id = parse_id(rest[1]);
    if (!id) return error_response(400, "bad run id '" + rest[1] + "': expected a positive integer");
    if (rest.size() == 2) return run_detail(*id);
    if (rest.size() == 3 && rest[2] == "events") return run_events(*id);
    if (rest.size() == 3 && rest[2] == "samples") return run_samples(*id);
    if (rest.size() == 3 && rest[2] == "checks") return run_checks(*id);
    if (rest.size() == 3 && rest[2] == "faults") return run_faults(*id);
  } else if (rest.size() == 1) {
    if (rest[0] == "experiments") return list_experiments();
    if (rest[0] == "plugins") return list_plugins();
    if (rest[0] == "status") return status();
    if (rest[0] == "schedules") return schedules();
  }
  return error_response(404, "no such endpoint: " + path);
}

}  // namespace chaos::server
