#pragma once
// Api: the versioned JSON API (/api/v1/...), the controller's /metrics and the embedded UI, as
// one function from request to response — no sockets, so tests call it directly. The live
// stream (GET /api/v1/live, server-sent events) needs a connection that stays open; the HTTP
// server serves it, starting with live_snapshot().
//
// Reads are open (the server binds to loopback by default); every state-changing request
// (POST start, abort, halt) needs `Authorization: Bearer TOKEN`. Nothing changes through GET,
// and no cookies are read or set.
//
// Thread-safety: handle() may be called from one thread at a time (the server's I/O thread);
// the read store is touched only there. The requests evaluates_files() names (they load
// experiment files, whose Lua may take up to the dry run's budget) are the exception: the
// server hands them to a worker thread, where handle() may run at the same time as on the I/O
// thread; they touch only the immutable config, the plugin registry, the RunManager and the
// StartGate, all safe to share.

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/clock.h"
#include "plugin_host/plugin_registry.h"
#include "scheduler/scheduler.h"
#include "server/http_types.h"
#include "server/run_manager.h"
#include "store/store.h"

namespace chaos::server {

class StartGate;

struct ApiConfig {
  std::string token;  // required for POST
  // Experiment files the server may start, as given (directories already expanded).
  std::vector<std::string> experiments;
  std::string db_path;
  // The Host names answered besides loopback ones (see host_check.h): the listen host and
  // --allow-host names.
  std::string listen_host;
  std::vector<std::string> allowed_hosts;
};

class Api {
 public:
  Api(ApiConfig config, store::Store& store, const plugin_host::PluginRegistry& registry,
      RunManager& runs, Clock& clock);

  HttpResponse handle(const HttpRequest& request);
  // The schedules GET /api/v1/schedules reports (none when never set). Not owned.
  void set_scheduler(const scheduler::Scheduler* scheduler) { scheduler_ = scheduler; }
  // Where POST /api/v1/runs starts runs (blackout windows, refusals recorded); without one,
  // straight through the RunManager. Not owned.
  void set_start_gate(StartGate* gate) { gate_ = gate; }
  // One schedule as the API and the live stream show it.
  static boost::json::object schedule_json(const scheduler::ScheduleStatus& status);

  static bool is_live_stream(const HttpRequest& request);
  // Whether answering `request` loads experiment files (listing them, starting a run), which
  // the server never does on its I/O thread: status and halt must answer whatever a file does.
  static bool evaluates_files(const HttpRequest& request);
  // False for a Host header this server does not answer to; handle() then answers 421.
  bool host_allowed(const HttpRequest& request) const;
  // SSE frames that bring a new live subscriber up to date: each active run's status, and the
  // last halt.
  std::string live_snapshot() const;

  // Expands directories into their *.lua files (sorted); files are kept as given.
  static std::vector<std::string> expand_experiments(const std::vector<std::string>& paths);

 private:
  HttpResponse route(const HttpRequest& request, const std::string& path,
                     const std::string& query);
  // api_reads.cpp
  HttpResponse list_runs(const std::string& query);
  HttpResponse run_detail(int64_t id);
  HttpResponse run_events(int64_t id);
  HttpResponse run_samples(int64_t id);
  HttpResponse run_checks(int64_t id);
  HttpResponse run_faults(int64_t id);  // each fault's final status (engine/fault_figures.h)
  HttpResponse list_experiments();
  HttpResponse list_plugins();
  HttpResponse status();
  HttpResponse schedules();  // api_schedules.cpp
  HttpResponse metrics();
  // api_writes.cpp
  HttpResponse start_run(const HttpRequest& request);
  HttpResponse abort_run(int64_t id);
  HttpResponse halt();

  ApiConfig config_;
  store::Store& store_;
  const plugin_host::PluginRegistry& registry_;
  RunManager& runs_;
  Clock& clock_;
  const scheduler::Scheduler* scheduler_ = nullptr;
  StartGate* gate_ = nullptr;
};

// Helpers shared by the api_*.cpp files.
HttpResponse json_response(int status, const boost::json::value& body);
HttpResponse error_response(int status, const std::string& message);
// The HTTP status for a Status from below (NotFound 404, InvalidArgument 400, else 500).
HttpResponse status_response(const Status& status);

}  // namespace chaos::server
