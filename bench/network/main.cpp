// chaos_network_bench: on loopback, in one run, four paths side by side: direct, through
// haproxy in TCP mode, through the chaosctl proxy a run owns (the network plugin via its C ABI,
// in this process), and through a standing proxy (a `chaosctl proxy` process, faults applied
// over its Toxiproxy-compatible API).
//
//  1. no-fault overhead: round-trip time of small request/response exchanges on one connection
//     (p50/p99, and what each proxy adds to the direct path), and bulk throughput;
//  2. accuracy: with a latency fault of 100 ms and of 10 ms on each chaosctl proxy, the added
//     delay observed per exchange (p50/p99/max), against the no-fault chaosctl path, split into
//     where it arises (see Exchanges), with the proxy's own release_late figures beside it;
//  3. bulk throughput through a 100 ms latency fault (chaosctl only);
//  4. the timer floor: how late this machine wakes a sleeping thread.
//
// Figures are reported, not asserted. usage: chaos_network_bench PLUGIN.so HAPROXY CHAOSCTL
//   [--exchanges N] [--bulk-mib N]

#include <sys/prctl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <thread>
#include <vector>

#include "haproxy.h"
#include "peers.h"
#include "plugin_proxy.h"
#include "standing_proxy.h"

namespace chaos::bench {
namespace {

struct Options {
  std::string plugin;
  std::string haproxy;
  std::string chaosctl;
  int exchanges = 10000;
  size_t message = 64;
  uint64_t bulk_mib = 1024;
  int bulk_runs = 3;
};

struct PathResult {
  std::string name;
  Exchanges exchanges;    // µs
  double bulk_mb_s = -1;  // the median of the runs
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
  r.exchanges = ping_pong(echo, o.exchanges, o.message);
  r.bulk_mb_s = median_bulk(bulk, o);
  return r;
}

void print_overhead(const std::vector<PathResult>& paths, const Options& o) {
  const double direct_p50 = quantile(paths[0].exchanges.rtts, 0.5);
  const double direct_p99 = quantile(paths[0].exchanges.rtts, 0.99);
  std::printf(
      "\n(1) no fault: %d ping-pongs of %zu bytes on one connection; bulk: %llu MiB "
      "download, median of %d\n\n",
      o.exchanges, o.message, static_cast<unsigned long long>(o.bulk_mib), o.bulk_runs);
  std::printf("%-16s %10s %10s %12s %12s %12s\n", "path", "p50 RTT", "p99 RTT", "added p50",
              "added p99", "bulk MB/s");
  for (const PathResult& p : paths) {
    const double p50 = quantile(p.exchanges.rtts, 0.5), p99 = quantile(p.exchanges.rtts, 0.99);
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

// Added delay per exchange in ms: each round trip minus the no-fault p50 of the same measure.
std::vector<double> added_ms(std::vector<double> rtts, const std::vector<double>& baseline) {
  const double base = quantile(baseline, 0.5);
  for (double& v : rtts) v = (v - base) / 1000.0;
  return rtts;
}

void print_accuracy_row(const char* delay, double ms, const Exchanges& run,
                        const PathResult& baseline, double proxy_p50, double proxy_p99) {
  const std::vector<double> app = added_ms(run.rtts, baseline.exchanges.rtts);
  const std::vector<double> socket = added_ms(run.arrival_rtts, baseline.exchanges.arrival_rtts);
  const std::vector<double> reply = added_ms(run.reply_legs, baseline.exchanges.reply_legs);
  const double p99 = quantile(app, 0.99);
  std::printf("%-10s %7zu %9.3fms %9.3fms %9.3fms %9.3fms %9.3fms %9.3fms %9.3fms", delay,
              run.rtts.size(), quantile(app, 0.5), p99, quantile(app, 1.0), p99 - ms,
              quantile(socket, 0.5), quantile(socket, 0.99), quantile(reply, 0.99));
  if (std::isnan(proxy_p50)) {
    std::printf(" %11s %11s\n", "-", "-");  // not reported over the Toxiproxy API
  } else {
    std::printf(" %9.0fus %9.0fus\n", proxy_p50, proxy_p99);
  }
}

void print_accuracy(PluginProxy& proxy, uint16_t echo, const PathResult& baseline) {
  struct Case {
    const char* delay;
    double ms;
    int samples;
  };
  const Case cases[] = {{"100ms", 100, 100}, {"10ms", 10, 500}};
  std::printf(
      "\n(2) accuracy: latency fault (downstream) on the chaosctl proxy; added = RTT - "
      "no-fault chaosctl p50 (%.1fus)\n"
      "    app: until the client thread has the reply; socket: until the reply reached the "
      "client's socket\n"
      "    (kernel receive timestamp, without the client's own wake-up); reply: the reply's leg "
      "alone, echo\n"
      "    send to client socket (the direction delayed, without the request's wake-ups); proxy: "
      "the fault's\n"
      "    own release_late (how late the proxy released each delayed chunk), from its status\n\n",
      quantile(baseline.exchanges.rtts, 0.5));
  std::printf("%-10s %7s %11s %11s %11s %11s %11s %11s %11s %11s %11s\n", "configured", "samples",
              "app p50", "app p99", "app max", "app p99-cfg", "socket p50", "socket p99",
              "reply p99", "proxy p50", "proxy p99");
  for (const Case& c : cases) {
    const int fault =
        proxy.start("latency", params(echo, std::string(R"(,"delay":")") + c.delay + "\""));
    if (fault < 0) {
      std::printf("%-10s cannot start: %s\n", c.delay, proxy.error().c_str());
      continue;
    }
    const Exchanges run = ping_pong(proxy.port(fault), c.samples, 64);
    const std::string status = proxy.status(fault);
    print_accuracy_row(c.delay, c.ms, run, baseline, json_number(status, "release_late_p50_us"),
                       json_number(status, "release_late_p99_us"));
    proxy.destroy(fault);
  }
}

// The same cases on the standing proxy: a latency toxic over the Toxiproxy API, measured against
// the standing proxy's own no-fault path. Its release_late is in the holder's journal, not here.
void print_standing_accuracy(StandingProxy& standing, const PathResult& baseline) {
  std::printf("\n    the same on the standing proxy (a latency toxic over the Toxiproxy API); "
              "added = RTT - no-fault standing p50 (%.1fus)\n\n",
              quantile(baseline.exchanges.rtts, 0.5));
  for (const auto& [delay, ms, samples] : {std::tuple{"100ms", 100, 100}, std::tuple{"10ms", 10, 500}}) {
    if (!standing.add_latency(0, ms)) {
      std::printf("%-10s cannot add the toxic: %s\n", delay, standing.error().c_str());
      continue;
    }
    const Exchanges run = ping_pong(standing.port(0), samples, 64);
    print_accuracy_row(delay, ms, run, baseline, NAN, NAN);
    standing.reset();
  }
}

// A bulk download through a 100 ms latency fault: the proxy must hold rate x delay bytes, so
// a fixed buffer would cap it (4 MiB / 100 ms = 41.9 MB/s); haproxy cannot add a delay at all.
void print_bulk_through_latency(PluginProxy& proxy, uint16_t source, const Options& o) {
  const int fault = proxy.start("latency", params(source, R"(,"delay":"100ms")"));
  if (fault < 0) {
    std::printf("\n(3) bulk through 100ms: cannot start: %s\n", proxy.error().c_str());
    return;
  }
  const double mb_s = median_bulk(proxy.port(fault), o);
  const std::string status = proxy.status(fault);
  std::printf(
      "\n(3) bulk through a 100ms latency fault (chaosctl only; a fixed 4 MiB buffer would cap "
      "it at 41.9 MB/s): %llu MiB download, median of %d\n\n",
      static_cast<unsigned long long>(o.bulk_mib), o.bulk_runs);
  std::printf("%-16s %12s %14s %14s %14s\n", "path", "bulk MB/s", "held at most", "growths",
              "budget pauses");
  std::printf("%-16s %12.0f %10.0f MiB %14.0f %14.0f\n", "chaosctl proxy", mb_s,
              json_number(status, "buffered_bytes_peak") / (1 << 20),
              json_number(status, "buffer_growths"), json_number(status, "buffer_backpressure"));
  proxy.destroy(fault);
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
  StandingProxy standing(o.chaosctl, {echo.port(), source.port()});
  if (!standing.error().empty()) {
    std::fprintf(stderr, "bench: the standing proxy: %s\n", standing.error().c_str());
    return 2;
  }
  std::printf("loopback, %u CPUs; %s\n", std::thread::hardware_concurrency(),
              haproxy.version().c_str());

  std::vector<PathResult> paths;
  paths.push_back(measure("direct", echo.port(), source.port(), o));
  paths.push_back(measure("haproxy (tcp)", haproxy.port(0), haproxy.port(1), o));
  paths.push_back(measure("chaosctl proxy", proxy.port(echo_proxy), proxy.port(bulk_proxy), o));
  paths.push_back(measure("standing proxy", standing.port(0), standing.port(1), o));
  print_overhead(paths, o);
  print_accuracy(proxy, echo.port(), paths[2]);
  print_standing_accuracy(standing, paths[3]);
  print_bulk_through_latency(proxy, source.port(), o);
  print_timer_floor();
  return 0;
}

}  // namespace
}  // namespace chaos::bench

int main(int argc, char** argv) {
  chaos::bench::Options o;
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s PLUGIN.so HAPROXY CHAOSCTL [--exchanges N] [--bulk-mib N]\n",
                 argv[0]);
    return 2;
  }
  o.plugin = argv[1];
  o.haproxy = argv[2];
  o.chaosctl = argv[3];
  for (int i = 4; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--exchanges") == 0) o.exchanges = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--bulk-mib") == 0)
      o.bulk_mib = std::strtoull(argv[i + 1], nullptr, 10);
  }
  return chaos::bench::run(o);
}
