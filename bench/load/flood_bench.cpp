// flood_bench: runs one load fault from chaos_load.so (through the C ABI, via the SDK's fake
// host) for a fixed time and prints one JSON line: the fault's final status, this process's
// CPU time (user+sys, getrusage) and RSS, and the per-second achieved_rps samples.
//   flood_bench PLUGIN KIND PARAMS_JSON SECONDS [--rss-at-held N]
// With --rss-at-held N it waits until status "held" (pool) or "open_connections" (flood)
// reaches N and prints the RSS growth since before start instead of running SECONDS.
// Used by bench/load/run; not a test.
#include <sys/resource.h>
#include <unistd.h>

#include <chaos/fake_host.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

namespace {
long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}
double number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  return at == std::string::npos ? -1 : std::atof(json.c_str() + at + key.size() + 3);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: flood_bench PLUGIN KIND PARAMS_JSON SECONDS [--rss-at-held N]\n");
    return 2;
  }
  chaos::sdk::FakeHost host{std::string(argv[1])};
  if (!host.loaded()) {
    std::fprintf(stderr, "%s\n", host.load_error().c_str());
    return 1;
  }
  const long held_target = argc >= 7 ? std::atol(argv[6]) : 0;
  auto fault = host.create(argv[2], argv[3]);
  if (!fault.ok()) {
    std::fprintf(stderr, "%s\n", fault.created().describe().c_str());
    return 1;
  }
  const long rss_before = rss_kb();
  rusage r0{};
  getrusage(RUSAGE_SELF, &r0);
  if (!fault.start().ok()) return 1;
  long rss_held = 0;
  if (held_target > 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string s = fault.status().output;
      if (number(s, "held") >= held_target || number(s, "open_connections") >= held_target) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    rss_held = rss_kb();
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(std::atof(argv[4]) * 1000)));
  }
  const std::string running = fault.status().output;
  fault.stop();
  rusage r1{};
  getrusage(RUSAGE_SELF, &r1);
  auto us = [](const timeval& t) { return t.tv_sec * 1e6 + t.tv_usec; };
  const double cpu_us = us(r1.ru_utime) - us(r0.ru_utime) + us(r1.ru_stime) - us(r0.ru_stime);
  std::string rps = "[";
  for (const auto& m : host.records().metrics)
    if (m.name == "achieved_rps") rps += (rps.size() > 1 ? "," : "") + std::to_string(m.value);
  rps += "]";
  std::printf("{\"status\":%s,\"running_status\":%s,\"cpu_us\":%.0f,\"rss_before_kb\":%ld,"
              "\"rss_held_kb\":%ld,\"achieved_rps\":%s}\n",
              fault.status().output.c_str(), running.c_str(), cpu_us, rss_before, rss_held,
              rps.c_str());
  return 0;
}
