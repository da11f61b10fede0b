// chaosctl proxy [--config FILE] [--api-listen HOST:PORT] [--token TOKEN]
// Standing proxies only: no UI, no runs. Keeps the proxies in FILE (and those created over the
// Toxiproxy-compatible API) up until a stop signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT);
// experiments attach to them by name.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "engine/reconcile.h"
#include "proxies/proxy_service.h"
#include "server/token.h"
#include "store/store.h"

namespace chaos::cli {

namespace {

void print_proxies(proxies::StandingProxies& standing) {
  for (const auto& p : standing.list()) {
    std::string to = p.upstream;
    if (!p.upstream_address.empty() && p.upstream_address != p.upstream)
      to += " (resolved to " + p.upstream_address + ")";
    std::printf("chaosctl: proxy '%s' listening on %s, forwarding to %s%s\n", p.name.c_str(),
                p.listen.c_str(), to.c_str(), p.enabled ? "" : " (disabled)");
  }
}

}  // namespace

int cmd_proxy(const Options& options) {
  proxies::ProxyServiceOptions service_options;
  if (options.proxy.config) service_options.config_path = *options.proxy.config;
  if (options.serve.api_listen) service_options.api_listen = *options.serve.api_listen;
  const std::string& token_flag = options.token;  // --token or CHAOS_TOKEN
  block_stop_signals();

  auto registry = load_plugins(options);
  if (!registry) return complain(registry.status().message(), 1);
  auto token = server::load_or_create_token(options.db_path, token_flag);
  if (!token) return complain(token.status().message(), 1);
  SystemClock clock;
  {
    // A proxy process that died took its toxics with it; its record becomes interrupted.
    auto store = store::Store::open(options.db_path);
    if (!store) return complain(store.status().message(), 1);
    engine::reconcile_interrupted_runs(
        *store.value(), registry.value(), clock,
        [](const std::string& line) { std::fprintf(stderr, "chaosctl: %s\n", line.c_str()); });
  }
  service_options.db_path = options.db_path;
  service_options.token = token.value();
  service_options.title = "chaosctl proxy (pid " + std::to_string(getpid()) + ")";
  auto service = proxies::ProxyService::start(service_options, registry.value(), clock);
  if (!service) return complain(service.status().message(), 1);
  print_proxies(service.value()->proxies());
  const std::string host =
      service_options.api_listen.substr(0, service_options.api_listen.rfind(':'));
  std::printf("chaosctl: Toxiproxy-compatible API on http://%s:%u/ (%s)\n", host.c_str(),
              service.value()->api_port(),
              service.value()->api_loopback()
                  ? "loopback only: changes need no token"
                  : ("changes need the token " +
                     (token_flag.empty() ? "in " + server::token_path_for(options.db_path)
                                         : std::string("given with --token / CHAOS_TOKEN")))
                        .c_str());
  std::printf("chaosctl: journaled as run %lld (chaosctl show %lld)\n",
              static_cast<long long>(service.value()->journal_record()),
              static_cast<long long>(service.value()->journal_record()));
  std::fflush(stdout);

  wait_for_stop_signal();
  std::fprintf(stderr, "chaosctl: stopping: removing every toxic and closing the proxies...\n");
  service.value()->stop();
  return 0;
}

}  // namespace chaos::cli
