// chaosctl validate FILE
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cli/commands.h"
#include "common/duration.h"
#include "common/utf8.h"
#include "engine/dry_run.h"
#include "engine/probe_factory.h"
#include "engine/remote_proxies.h"

namespace chaos::cli {

int cmd_validate(const Options& options) {
  // As for run: a proxy the experiment does not declare may be a standing one.
  std::string proxy_api = "http://127.0.0.1:8474";
  if (const char* env = std::getenv("CHAOS_PROXY_API")) proxy_api = env;
  if (options.run.proxy_api) proxy_api = *options.run.proxy_api;
  if (proxy_api == "none") proxy_api.clear();
  const std::vector<std::string>& files = options.args;  // exactly one (options.cpp)
  const std::string& path = files.front();
  auto source = read_text_file(path);
  if (!source) return complain(source.status().message(), 1);
  auto registry = load_plugins(options);
  if (!registry) return complain(registry.status().message(), 1);
  std::unique_ptr<engine::RemoteProxies> standing;
  if (!proxy_api.empty()) {
    const char* token = std::getenv("CHAOS_PROXY_TOKEN");
    standing = std::make_unique<engine::RemoteProxies>(
        remote::RemoteEndpoint{proxy_api, token ? token : ""}, registry.value());
  }
  auto targets = TargetAllowlist::parse(options.run.allow_targets);
  if (!targets) return complain("validate: " + targets.status().message(), kExitUsage);
  auto report = engine::dry_run(source.value(), path, registry.value(), {}, nullptr, standing.get(),
                                &targets.value());

  if (options.json) {
    boost::json::object out{{"file", path}, {"valid", report.is_ok()}};
    if (!report) {
      out["error"] = report.status().message();
    } else {
      out["title"] = report->experiment.title;
      boost::json::array faults;
      for (const auto& f : report->faults) {
        faults.push_back({{"kind", f.kind},
                          {"name", f.name},
                          {"params", boost::json::parse(f.params_json)},
                          {"at_ms", f.at.count() / 1000},
                          {"duration_ms", f.duration.count() / 1000}});
      }
      out["faults"] = std::move(faults);
      out["method_length_ms"] = report->method_length.count() / 1000;
    }
    // A title or message from Lua may hold any bytes; JSON must be UTF-8.
    std::printf("%s\n", valid_utf8(boost::json::serialize(out)).c_str());
    return report ? 0 : 1;
  }
  if (!report) {
    std::fprintf(stderr, "%s\n", report.status().message().c_str());
    return 1;
  }
  const auto& e = report->experiment;
  std::printf("%s: valid — \"%s\"\n", path.c_str(), e.title.c_str());
  for (const auto& proxy : e.proxies) {
    std::string params;
    for (const auto& [key, value] : proxy.params) {
      params +=
          (params.empty() ? "" : ", ") + std::string(key) + "=" +
          (value.is_string() ? std::string(value.as_string()) : boost::json::serialize(value));
    }
    std::printf("  proxy   %s: %s\n", proxy.name.c_str(), params.c_str());
  }
  for (const auto& probe : e.probes) {
    std::string expect;
    for (const auto& x : probe.expect) {
      expect += (expect.empty() ? "" : ", ") + x.aggregate + " " + x.bound.describe();
    }
    std::printf("  %s %s: %s, every %s, at least %zu samples; expects %s\n",
                probe.guardrail ? "guard " : "probe ", probe.name.c_str(),
                engine::describe_probe(probe).c_str(), format_duration(probe.every).c_str(),
                probe.min_samples, expect.c_str());
  }
  for (const auto& f : report->faults) {
    std::printf("  fault   %s%s at +%s%s: %s\n", f.kind.c_str(),
                f.name.empty() ? "" : (" '" + f.name + "'").c_str(), format_duration(f.at).c_str(),
                f.duration.count() ? (" for " + format_duration(f.duration)).c_str() : "",
                f.params_json.c_str());
  }
  std::printf("  method  lasts %s\n", format_duration(report->method_length).c_str());
  return 0;
}

}  // namespace chaos::cli
