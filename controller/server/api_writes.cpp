// The write side of the API: start a run, abort one, halt everything. Api::route has already
// checked the method (POST) and the bearer token.
#include <boost/json.hpp>

#include "server/api.h"

namespace chaos::server {

namespace json = boost::json;

// Body: {"experiment": PATH}, PATH one of GET /api/v1/experiments. 202 {"run_id": N}.
HttpResponse Api::start_run(const HttpRequest& request) {
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec) return error_response(400, "the body is not JSON: " + ec.message());
  const json::value* experiment =
      body.is_object() ? body.as_object().if_contains("experiment") : nullptr;
  if (experiment == nullptr || !experiment->is_string()) {
    return error_response(400, "expected {\"experiment\": PATH} with PATH from /api/v1/experiments");
  }
  const std::string path(experiment->as_string());
  if (std::find(config_.experiments.begin(), config_.experiments.end(), path) ==
      config_.experiments.end()) {
    return error_response(404, "'" + path + "' is not one of the experiments this server was "
                               "given (see /api/v1/experiments)");
  }
  auto id = runs_.start_file(path);
  if (!id) {
    switch (id.status().code()) {
      case Status::Code::kNotFound: return error_response(404, id.status().message());
      case Status::Code::kInvalidArgument: return error_response(422, id.status().message());
      default: return error_response(409, id.status().message());
    }
  }
  HttpResponse r = json_response(202, json::object{{"run_id", id.value()}, {"experiment", path}});
  r.headers.emplace_back("Location", "/api/v1/runs/" + std::to_string(id.value()));
  return r;
}

HttpResponse Api::abort_run(int64_t id) {
  Status st = runs_.abort(id, "aborted by the operator from the web UI or API");
  if (!st) {
    if (auto run = store_.get_run(id); !run) return status_response(run.status());
    return error_response(409, st.message());
  }
  return json_response(202, json::object{{"run_id", id}, {"aborting", true}});
}

// 202: the aborts are requested; `halt_done` on the live stream (and /api/v1/status) says when
// every rollback completed.
HttpResponse Api::halt() {
  const auto ids = runs_.halt("halted by the operator (halt button or POST /api/v1/halt)");
  return json_response(202, json::object{{"halting", json::array(ids.begin(), ids.end())}});
}

}  // namespace chaos::server
