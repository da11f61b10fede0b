// chaos_network_bench: on loopback, in one run, three paths side by side: direct, through
// haproxy in TCP mode, and through the chaosctl proxy (the network plugin via its C ABI).
//
//  1. no-fault overhead: round-trip time of small request/response exchanges on one connection
//     (p50/p99, and what each proxy adds to the direct path), and bulk throughput;
//  2. accuracy: with a latency fault of 100 ms and of 10 ms on the chaosctl proxy, the added
//     delay observed per exchange (p50/p99/max), against the no-fault chaosctl path.
//
// Figures are reported, not asserted. usage: chaos_network_bench PLUGIN.so HAPROXY
//   [--exchanges N] [--bulk-mib N]

#include <sys/prctl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "haproxy.h"
#include "peers.h"
#include "plugin_proxy.h"

namespace chaos::bench {
namespace {

struct Options {
  std::string plugin;
  std::string haproxy;
  int exchanges = 10000;
  size_t message = 64;
  uint64_t bulk_mib = 1024;
  int bulk_runs = 3;
};

struct PathResult {
  std::string name;
  std::vector<double> rtts;  // µs
  double bulk_mb_s = -1;     // the median of the runs
};

std::string params(uint16_t upstream, const std::string& extra = "") {
  return R"({"listen":"127.0.0.1:0","upstream":"127.0.0.1:)" + std::to_string(upstream) + "\"" +
         extra + "}";
}

double median_bulk(uint16_t port, const Options& o) {
  std::vector<double> runs;
  for (int i = 0; i < o.bulk_runs; ++i) runs.push_back(bulk_read_mb_s(port, o.bulk_mib << 20));
  return quantile(runs, 0.5);
}

PathResult measure(const std::string& name, uint16_t echo, uint16_t bulk, const Options& o) {
  PathResult r{name, {}, -1};
  ping_pong(echo, 500, o.message);  // warm-up: caches, the proxy's first allocations
  r.rtts = ping_pong(echo, o.exchanges, o.message);
  r.bulk_mb_s = median_bulk(bulk, o);
  return r;
}

void print_overhead(const std::vector<PathResult>& paths, const Options& o) {
  const double direct_p50 = quantile(paths[0].rtts, 0.5);
  const double direct_p99 = quantile(paths[0].rtts, 0.99);
  std::printf(
      "\n(1) no fault: %d ping-pongs of %zu bytes on one connection; bulk: %llu MiB "
      "download, median of %d\n\n",
      o.exchanges, o.message, static_cast<unsigned long long>(o.bulk_mib), o.bulk_runs);
  std::printf("%-16s %10s %10s %12s %12s %12s\n", "path", "p50 RTT", "p99 RTT", "added p50",
              "added p99", "bulk MB/s");
  for (const PathResult& p : paths) {
    const double p50 = quantile(p.rtts, 0.5), p99 = quantile(p.rtts, 0.99);
    std::printf("%-16s %8.1fus %8.1fus %10.1fus %10.1fus %12.0f\n", p.name.c_str(), p50, p99,
                p50 - direct_p50, p99 - direct_p99, p.bulk_mb_s);
  }
}

// How late this machine wakes a thread that sleeps until a deadline: the floor under any
// userspace delay's accuracy here (a busy 2-core box shows it at p99).
void print_timer_floor() {
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  std::vector<double> late;
  for (int i = 0; i < 300; ++i) {
    const auto target = std::chrono::steady_clock::now() + std::chrono::milliseconds(10);
    std::this_thread::sleep_until(target);
    late.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - target)
            .count());
  }
  std::printf(
      "\ntimer floor: a thread sleeping until a deadline (10 ms, 300 times) wakes late by p50 "
      "%.0fus, p99 %.0fus, max %.0fus\n",
      quantile(late, 0.5), quantile(late, 0.99), quantile(late, 1.0));
}

void print_accuracy(PluginProxy& proxy, uint16_t echo, const PathResult& baseline) {
  struct Case {
    const char* delay;
    double ms;
    int samples;
  };
  const Case cases[] = {{"100ms", 100, 100}, {"10ms", 10, 500}};
  const double base = quantile(baseline.rtts, 0.5);
  std::printf(
      "\n(2) accuracy: latency fault (downstream) on the chaosctl proxy; added = RTT - "
      "no-fault chaosctl p50 (%.1fus)\n\n",
      base);
  std::printf("%-11s %8s %14s %14s %14s %14s\n", "configured", "samples", "added p50", "added p99",
              "added max", "p99 - config");
  for (const Case& c : cases) {
    const int fault =
        proxy.start("latency", params(echo, std::string(R"(,"delay":")") + c.delay + "\""));
    if (fault < 0) {
      std::printf("%-11s cannot start: %s\n", c.delay, proxy.error().c_str());
      continue;
    }
    std::vector<double> added = ping_pong(proxy.port(fault), c.samples, 64);
    for (double& v : added) v = (v - base) / 1000.0;
    const double p99 = quantile(added, 0.99);
    std::printf("%-11s %8d %12.3fms %12.3fms %12.3fms %12.3fms\n", c.delay, c.samples,
                quantile(added, 0.5), p99, quantile(added, 1.0), p99 - c.ms);
    proxy.destroy(fault);
  }
}

int run(const Options& o) {
  LoopbackPeer echo(LoopbackPeer::Mode::kEcho);
  LoopbackPeer source(LoopbackPeer::Mode::kSource, o.bulk_mib << 20);

  Haproxy haproxy(o.haproxy, {echo.port(), source.port()});
  if (!haproxy.error().empty()) {
    std::fprintf(stderr, "bench: %s\n", haproxy.error().c_str());
    return 2;
  }
  PluginProxy proxy(o.plugin);
  const int echo_proxy = proxy.error().empty() ? proxy.start("proxy", params(echo.port())) : -1;
  const int bulk_proxy = echo_proxy >= 0 ? proxy.start("proxy", params(source.port())) : -1;
  if (bulk_proxy < 0) {
    std::fprintf(stderr, "bench: the chaosctl proxy: %s\n", proxy.error().c_str());
    return 2;
  }
  std::printf("loopback, %u CPUs; %s\n", std::thread::hardware_concurrency(),
              haproxy.version().c_str());

  std::vector<PathResult> paths;
  paths.push_back(measure("direct", echo.port(), source.port(), o));
  paths.push_back(measure("haproxy (tcp)", haproxy.port(0), haproxy.port(1), o));
  paths.push_back(measure("chaosctl proxy", proxy.port(echo_proxy), proxy.port(bulk_proxy), o));
  print_overhead(paths, o);
  print_accuracy(proxy, echo.port(), paths[2]);
  print_timer_floor();
  return 0;
}

}  // namespace
}  // namespace chaos::bench

int main(int argc, char** argv) {
  chaos::bench::Options o;
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PLUGIN.so HAPROXY [--exchanges N] [--bulk-mib N]\n", argv[0]);
    return 2;
  }
  o.plugin = argv[1];
  o.haproxy = argv[2];
  for (int i = 3; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--exchanges") == 0) o.exchanges = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--bulk-mib") == 0)
      o.bulk_mib = std::strtoull(argv[i + 1], nullptr, 10);
  }
  return chaos::bench::run(o);
}
