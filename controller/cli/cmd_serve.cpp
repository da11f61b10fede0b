// chaosctl serve [--listen HOST:PORT] [--token TOKEN] [--allow-host NAME]...
//                [--schedule "[TZ=ZONE] CRON FILE [OPTION=VALUE]..."]... [--blackout WINDOW]...
//                [--max-run DURATION]
//                [--schedule-file FILE]... [--experiments DIR|FILE]... [FILE...]
//                [--proxies FILE] [--api-listen HOST:PORT]
// The scheduling flags are parsed in serve_schedules.cpp.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "cli/serve_schedules.h"
#include "common/duration.h"
#include "engine/reconcile.h"
#include "notify/webhook_queue.h"
#include "proxies/proxy_service.h"
#include "proxies/standing_catalog.h"
#include "scheduler/scheduler.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/live_hub.h"
#include "server/run_manager.h"
#include "server/scheduled_starts.h"
#include "server/start_gate.h"
#include "server/token.h"

namespace chaos::cli {

namespace {

// The start-up log: each schedule's next firing and each blackout window, in their zones.
void print_schedule_plan(const scheduler::Scheduler& scheduler, const server::StartGate& gate,
                         int64_t now_unix_ms) {
  for (const auto& s : scheduler.status()) {
    auto zone = scheduler::TimeZone::find(s.time_zone);
    std::printf("chaosctl: schedule '%s' runs %s; next at %s\n", s.expression.c_str(),
                s.experiment.c_str(),
                s.next_unix_ms && zone ? zone->format(s.next_unix_ms).c_str() : "never");
  }
  for (const auto& w : gate.calendar().windows()) {
    const auto next = w.first_overlap(now_unix_ms, now_unix_ms + int64_t{370} * 24 * 3600 * 1000);
    const scheduler::TimeZone& zone = w.time_zone();
    std::string when = "no occurrence ahead";
    if (next && next->start_unix_ms <= now_unix_ms) {
      when = "in force now, until " + zone.format(next->end_unix_ms);
    } else if (next) {
      when = "next " + zone.format(next->start_unix_ms) + " to " + zone.format(next->end_unix_ms);
    }
    std::printf("chaosctl: blackout '%s': no run starts inside it; %s\n", w.text().c_str(),
                when.c_str());
  }
  if (gate.max_run_ms()) {
    std::printf(
        "chaosctl: --max-run %s: a run that may last that long is not started before a "
        "blackout it would run into\n",
        format_duration(std::chrono::milliseconds(*gate.max_run_ms())).c_str());
  }
}

}  // namespace

int cmd_serve(const Options& options) {
  const ServeFlags& flags = options.serve;
  const std::string& listen = flags.listen;
  const std::string& token_flag = options.token;  // --token or CHAOS_TOKEN
  std::vector<std::string> experiment_paths = flags.experiments;
  const std::vector<std::string>& allowed_hosts = flags.allow_hosts;
  ServeScheduleFlags schedule_flags{flags.schedules, flags.blackouts, flags.schedule_files,
                                    flags.max_run};
  proxies::ProxyServiceOptions proxy_options;
  if (flags.proxies_config) proxy_options.config_path = *flags.proxies_config;
  if (flags.api_listen) proxy_options.api_listen = *flags.api_listen;
  const bool standing_proxies = flags.proxies_config || flags.api_listen;
  if (experiment_paths.empty()) experiment_paths.push_back("experiments");
  auto targets = TargetAllowlist::parse(options.run.allow_targets);
  if (!targets) return complain("serve: " + targets.status().message(), kExitUsage);

  // Stop signals go to a watcher thread (below), not to whichever thread they hit.
  block_stop_signals();

  auto registry = load_plugins(options);
  if (!registry) return complain(registry.status().message(), 1);
  auto store = store::Store::open(options.db_path);
  if (!store) return complain(store.status().message(), 1);
  auto token = server::load_or_create_token(options.db_path, token_flag);
  if (!token) return complain(token.status().message(), 1);

  SystemClock clock;
  engine::reconcile_interrupted_runs(
      *store.value(), registry.value(), clock,
      [](const std::string& line) { std::fprintf(stderr, "chaosctl: %s\n", line.c_str()); });

  // Standing proxies outlive every run this server starts (stopped after them, below).
  std::unique_ptr<proxies::ProxyService> proxy_service;
  if (standing_proxies) {
    proxy_options.db_path = options.db_path;
    proxy_options.token = token.value();
    proxy_options.title = "chaosctl serve (pid " + std::to_string(getpid()) + ")";
    auto started = proxies::ProxyService::start(proxy_options, registry.value(), clock);
    if (!started) return complain(started.status().message(), 1);
    proxy_service = std::move(started.value());
  }
  std::unique_ptr<proxies::StandingCatalog> standing_catalog;
  if (proxy_service) {
    standing_catalog =
        std::make_unique<proxies::StandingCatalog>(proxy_service->proxies(), registry.value());
  }
  auto schedules = load_schedule_config(schedule_flags, registry.value(), standing_catalog.get());
  if (!schedules) return complain(schedules.status().message(), kExitUsage);
  // Scheduled experiments are listed in the UI and startable by hand too.
  std::vector<std::string> experiments = server::Api::expand_experiments(experiment_paths);
  for (const auto& s : schedules->schedules) {
    if (std::find(experiments.begin(), experiments.end(), s.experiment) == experiments.end()) {
      experiments.push_back(s.experiment);
    }
  }

  // Before the runs: a run that ends as the server stops still posts its verdict.
  notify::WebhookQueue webhooks([](const std::string& url, const Status& result) {
    if (!result) std::fprintf(stderr, "chaosctl: %s\n", result.message().c_str());
  });
  server::LiveHub hub;
  server::RunManager runs(options.db_path, registry.value(), clock, hub);
  runs.set_standing_proxies(standing_catalog.get());
  runs.set_allowed_targets(targets.value());
  auto gate = server::StartGate::open(scheduler::BlackoutCalendar(schedules->blackouts),
                                      schedules->max_run_ms, options.db_path, registry.value(),
                                      runs, clock);
  if (!gate) return complain(gate.status().message(), 1);
  server::StartGate& start_gate = *gate.value();
  const std::string host = listen.substr(0, listen.rfind(':'));
  server::ApiConfig config;
  config.token = token.value();
  config.experiments = std::move(experiments);
  config.db_path = options.db_path;
  config.listen_host = host;
  config.allowed_hosts = allowed_hosts;
  server::Api api(std::move(config), *store.value(), registry.value(), runs, clock);
  api.set_start_gate(&start_gate);
  server::ScheduledStarts scheduled_starts(start_gate, webhooks, clock);
  scheduler::Scheduler scheduler(
      std::move(schedules->schedules), clock,
      [&scheduled_starts](const scheduler::Schedule& s) { return scheduled_starts(s); },
      [&hub](const scheduler::ScheduleStatus& s) {
        if (s.last_run_id) {
          std::fprintf(stderr, "chaosctl: schedule '%s': started run %lld of %s\n",
                       s.expression.c_str(), static_cast<long long>(s.last_run_id),
                       s.experiment.c_str());
        } else {
          std::fprintf(stderr, "chaosctl: schedule '%s': skipped %s: %s\n", s.expression.c_str(),
                       s.experiment.c_str(), s.last_skip_reason.c_str());
        }
        hub.publish("schedule", boost::json::serialize(server::Api::schedule_json(s)));
      });
  api.set_scheduler(&scheduler);
  server::HttpServer http(api, hub);
  if (Status st = http.listen(listen); !st) return complain(st.message(), 1);

  std::printf("chaosctl: serving http://%s:%u/ (API under /api/v1, metrics at /metrics)\n",
              host.c_str(), http.port());
  std::printf("chaosctl: POST requests need the token %s\n",
              token_flag.empty() ? ("in " + server::token_path_for(options.db_path)).c_str()
                                 : "given with --token / CHAOS_TOKEN");
  std::printf("chaosctl: floods, held connections and probes may reach %s\n",
              targets->describe().c_str());
  print_schedule_plan(scheduler, start_gate, clock.unix_ms());
  if (proxy_service) {
    for (const auto& p : proxy_service->proxies().list()) {
      std::printf("chaosctl: proxy '%s' listening on %s, forwarding to %s\n", p.name.c_str(),
                  p.listen.c_str(), p.upstream.c_str());
    }
    std::printf("chaosctl: Toxiproxy-compatible API on port %u (%s)\n", proxy_service->api_port(),
                proxy_service->api_loopback() ? "loopback only: changes need no token"
                                              : "changes need the token");
  }
  std::fflush(stdout);

  std::atomic<bool> stopping{false};
  StopSignalWatcher watcher([&](int sig) {
    if (stopping.exchange(true)) return;  // already halting
    std::fprintf(stderr, "chaosctl: %s received: halting every run and rolling back...\n",
                 stop_signal_name(sig));
    scheduler.stop();  // first, so nothing new starts while the rest roll back
    runs.halt(std::string("chaosctl serve stopped by ") + stop_signal_reason(sig));
    runs.wait_idle();
    http.stop();
  });
  scheduler.start();
  http.run();
  scheduler.stop();
  if (proxy_service) proxy_service->stop();  // after every run: their faults are gone by now
  return 0;
}

}  // namespace chaos::cli
