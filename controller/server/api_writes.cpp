// The write side of the API: start a run, abort one, halt everything. Api::route has already
// checked the method (POST) and the bearer token.
#include <boost/json.hpp>

#include "common/utf8.h"
#include "server/api.h"
#include "server/start_gate.h"

namespace chaos::server {

namespace json = boost::json;

namespace {

HttpResponse start_refused(const Status& status) {
  switch (status.code()) {
    case Status::Code::kNotFound:
      return error_response(404, status.message());
    case Status::Code::kInvalidArgument:
      return error_response(422, status.message());
    default:
      return error_response(409, status.message());
  }
}

// "a number", "an array": what a client sent where something else belonged.
std::string kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "something else";
}

HttpResponse started(int64_t run_id, const std::string& path) {
  HttpResponse r = json_response(202, json::object{{"run_id", run_id}, {"experiment", path}});
  r.headers.emplace_back("Location", "/api/v1/runs/" + std::to_string(run_id));
  return r;
}

// 409 for a blackout window too, with the window: {"error", "blackout": {"window", "inside",
// "start_unix_ms", "end_unix_ms"}}.
HttpResponse start_through_gate(StartGate& gate, const std::string& path) {
  StartRequest request;
  request.experiment = path;
  request.origin = "api";
  const StartOutcome outcome = gate.start(request);
  if (outcome.status) return started(outcome.run_id, path);
  if (!outcome.blackout) return start_refused(outcome.status);
  const auto& b = *outcome.blackout;
  return json_response(
      409, json::object{{"error", outcome.status.message()},
                        {"blackout", json::object{{"window", b.window->text()},
                                                  {"inside", b.inside},
                                                  {"start_unix_ms", b.occurrence.start_unix_ms},
                                                  {"end_unix_ms", b.occurrence.end_unix_ms}}},
                        {"max_length_ms", outcome.max_length_ms}});
}

}  // namespace

// Body: {"experiment": PATH}, PATH one of GET /api/v1/experiments. 202 {"run_id": N}.
HttpResponse Api::start_run(const HttpRequest& request) {
  constexpr const char* kShape =
      "expected {\"experiment\": PATH} with PATH from /api/v1/experiments";
  if (auto bad = first_invalid_utf8(request.body)) {
    return error_response(400, "the body is not UTF-8 text (byte " + std::to_string(*bad + 1) +
                                   " is not), so it is not JSON");
  }
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec) return error_response(400, "the body is not JSON: " + ec.message());
  if (!body.is_object()) return error_response(400, std::string(kShape) + ", got " + kind_of(body));
  // An unknown field is refused, not ignored: a client that sends {"dry_run": true} must not
  // start a real run.
  for (const auto& [key, value] : body.as_object()) {
    if (key != "experiment") {
      return error_response(400, "unknown field '" + valid_utf8(key) + "' (" + kShape + ")");
    }
  }
  const json::value* experiment = body.as_object().if_contains("experiment");
  if (experiment == nullptr)
    return error_response(400, std::string("experiment: missing; ") + kShape);
  if (!experiment->is_string()) {
    return error_response(400,
                          "experiment: expected a string (a PATH from /api/v1/experiments), "
                          "got " +
                              kind_of(*experiment));
  }
  const std::string path(experiment->as_string());
  if (std::find(config_.experiments.begin(), config_.experiments.end(), path) ==
      config_.experiments.end()) {
    return error_response(404, "'" + path +
                                   "' is not one of the experiments this server was "
                                   "given (see /api/v1/experiments)");
  }
  if (gate_ != nullptr) return start_through_gate(*gate_, path);
  auto id = runs_.start_file(path);
  if (!id) return start_refused(id.status());
  return started(id.value(), path);
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
