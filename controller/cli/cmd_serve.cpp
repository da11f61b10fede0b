// chaosctl serve [--listen HOST:PORT] [--token TOKEN] [--allow-host NAME]...
//                [--experiments DIR|FILE]... [FILE...]
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/commands.h"
#include "engine/reconcile.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/live_hub.h"
#include "server/run_manager.h"
#include "server/token.h"

namespace chaos::cli {

int cmd_serve(const Options& options) {
  std::string listen = "127.0.0.1:8080";
  std::string token_flag;
  std::vector<std::string> experiment_paths;
  std::vector<std::string> allowed_hosts;
  for (size_t i = 0; i < options.args.size(); ++i) {
    const std::string& arg = options.args[i];
    const bool has_value = i + 1 < options.args.size();
    if (arg == "--listen" && has_value) {
      listen = options.args[++i];
    } else if (arg == "--token" && has_value) {
      token_flag = options.args[++i];
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
  server::ApiConfig config;
  config.token = token.value();
  config.experiments = server::Api::expand_experiments(experiment_paths);
  config.db_path = options.db_path;
  config.listen_host = listen.substr(0, listen.rfind(':'));
  config.allowed_hosts = allowed_hosts;
  server::Api api(std::move(config), *store.value(), registry.value(), runs, clock);
  server::HttpServer http(api, hub);
  if (Status st = http.listen(listen); !st) return complain(st.message(), 1);

  const std::string host = listen.substr(0, listen.rfind(':'));
  std::printf("chaosctl: serving http://%s:%u/ (API under /api/v1, metrics at /metrics)\n",
              host.c_str(), http.port());
  std::printf("chaosctl: POST requests need the token %s\n",
              token_flag.empty() ? ("in " + server::token_path_for(options.db_path)).c_str()
                                 : "given with --token / CHAOS_TOKEN");
  std::fflush(stdout);

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec poll{0, 100 * 1000 * 1000};
    while (!done) {
      const int sig = sigtimedwait(&stop_signals, nullptr, &poll);
      if (sig == SIGINT || sig == SIGTERM) {
        std::fprintf(stderr, "chaosctl: stopping: halting every run and rolling back...\n");
        runs.halt(sig == SIGINT ? "SIGINT to chaosctl serve" : "SIGTERM to chaosctl serve");
        runs.wait_idle();
        http.stop();
        return;
      }
    }
  });
  http.run();
  done = true;
  watcher.join();
  return 0;
}

}  // namespace chaos::cli
