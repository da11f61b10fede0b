// chaosctl serve [--listen HOST:PORT] [--token TOKEN] [--allow-host NAME]...
//                [--schedule "CRON FILE"]... [--experiments DIR|FILE]... [FILE...]
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <algorithm>
#include <ctime>
#include <boost/json.hpp>

#include "cli/commands.h"
#include "engine/dry_run.h"
#include "scheduler/scheduler.h"
#include "engine/reconcile.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/live_hub.h"
#include "server/run_manager.h"
#include "server/token.h"

namespace chaos::cli {

namespace {

// "2026-11-23 14:00:00 UTC"
std::string format_utc(int64_t unix_ms) {
  if (unix_ms == 0) return "never";
  const std::time_t seconds = unix_ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

// Each --schedule "CRON FILE": the last word is the experiment, the rest the cron expression.
// The experiment is checked now (a dry run), not at 3 a.m. when it is due.
Result<std::vector<scheduler::Schedule>> parse_schedules(
    const std::vector<std::string>& args, const plugin_host::PluginRegistry& registry) {
  std::vector<scheduler::Schedule> out;
  for (const std::string& arg : args) {
    const size_t end = arg.find_last_not_of(" \t");
    const size_t space = end == std::string::npos ? end : arg.find_last_of(" \t", end);
    if (space == std::string::npos) {
      return Status::invalid_argument("--schedule '" + arg +
                                      "': expected \"CRON FILE\", e.g. \"0 14 * * wed "
                                      "experiments/db_slowdown.lua\"");
    }
    const std::string file = arg.substr(space + 1, end - space);
    auto cron = scheduler::CronSchedule::parse(arg.substr(0, space));
    if (!cron) return Status::invalid_argument("--schedule: " + cron.status().message());
    auto source = read_text_file(file);
    if (!source) return Status::invalid_argument("--schedule: " + source.status().message());
    if (auto plan = engine::dry_run(source.value(), file, registry); !plan) {
      return Status::invalid_argument("--schedule: " + plan.status().message());
    }
    out.push_back({std::move(cron).value(), file});
  }
  return out;
}

}  // namespace

int cmd_serve(const Options& options) {
  std::string listen = "127.0.0.1:8080";
  std::string token_flag;
  std::vector<std::string> experiment_paths;
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> schedule_args;
  for (size_t i = 0; i < options.args.size(); ++i) {
    const std::string& arg = options.args[i];
    const bool has_value = i + 1 < options.args.size();
    if (arg == "--listen" && has_value) {
      listen = options.args[++i];
    } else if (arg == "--token" && has_value) {
      token_flag = options.args[++i];
    } else if (arg == "--schedule" && has_value) {
      schedule_args.push_back(options.args[++i]);
    } else if (arg == "--allow-host" && has_value) {
      allowed_hosts.push_back(options.args[++i]);
    } else if (arg == "--experiments" && has_value) {
      experiment_paths.push_back(options.args[++i]);
    } else {
      experiment_paths.push_back(arg);
    }
  }
  if (token_flag.empty()) {
    if (const char* env = std::getenv("CHAOS_TOKEN")) token_flag = env;
  }
  if (experiment_paths.empty()) experiment_paths.push_back("experiments");

  // SIGINT/SIGTERM go to a watcher thread (below), not to whichever thread they hit.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto registry = load_plugins(options);
  if (!registry) return complain(registry.status().message(), 1);
  auto schedules = parse_schedules(schedule_args, registry.value());
  if (!schedules) return complain(schedules.status().message(), kExitUsage);
  // Scheduled experiments are listed in the UI and startable by hand too.
  std::vector<std::string> experiments = server::Api::expand_experiments(experiment_paths);
  for (const auto& s : schedules.value()) {
    if (std::find(experiments.begin(), experiments.end(), s.experiment) == experiments.end()) {
      experiments.push_back(s.experiment);
    }
  }
  auto store = store::Store::open(options.db_path);
  if (!store) return complain(store.status().message(), 1);
  auto token = server::load_or_create_token(options.db_path, token_flag);
  if (!token) return complain(token.status().message(), 1);

  SystemClock clock;
  engine::reconcile_interrupted_runs(*store.value(), registry.value(), clock,
                                     [](const std::string& line) {
                                       std::fprintf(stderr, "chaosctl: %s\n", line.c_str());
                                     });

  server::LiveHub hub;
  server::RunManager runs(options.db_path, registry.value(), clock, hub);
  const std::string host = listen.substr(0, listen.rfind(':'));
  server::ApiConfig config;
  config.token = token.value();
  config.experiments = std::move(experiments);
  config.db_path = options.db_path;
  config.listen_host = host;
  config.allowed_hosts = allowed_hosts;
  server::Api api(std::move(config), *store.value(), registry.value(), runs, clock);
  scheduler::Scheduler scheduler(
      std::move(schedules).value(), clock,
      [&runs](const std::string& experiment) { return runs.start_file(experiment); },
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
  for (const auto& s : scheduler.status()) {
    std::printf("chaosctl: schedule '%s' runs %s; next at %s\n", s.expression.c_str(),
                s.experiment.c_str(), format_utc(s.next_unix_ms).c_str());
  }
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec poll{0, 100 * 1000 * 1000};
    while (!done) {
      const int sig = sigtimedwait(&stop_signals, nullptr, &poll);
      if (sig == SIGINT || sig == SIGTERM) {
        std::fprintf(stderr, "chaosctl: stopping: halting every run and rolling back...\n");
        scheduler.stop();  // first, so nothing new starts while the rest roll back
        runs.halt(sig == SIGINT ? "SIGINT to chaosctl serve" : "SIGTERM to chaosctl serve");
        runs.wait_idle();
        http.stop();
        return;
      }
    }
  });
  scheduler.start();
  http.run();
  scheduler.stop();
  done = true;
  watcher.join();
  return 0;
}

}  // namespace chaos::cli
