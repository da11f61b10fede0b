// chaosctl plugin check PATH.so [--params KIND=JSON]... [--timeout DURATION] [--json]
//
// Runs the conformance checks (plugin_host/conformance.h) and prints a pass/fail table, or JSON.
// Exit code: 0 when every check passed, 1 when any failed, 64 for a bad command line.
#include <boost/json.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "common/duration.h"
#include "plugin_host/conformance.h"

namespace chaos::cli {

namespace {

constexpr const char* kUsage =
    "chaosctl plugin check PATH.so [--params KIND=JSON]... [--timeout DURATION] [--json]";

Result<plugin_host::ConformanceOptions> check_options_of(const CheckFlags& flags) {
  plugin_host::ConformanceOptions options;
  for (const std::string& spec : flags.params) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::invalid_argument("--params needs KIND=JSON, got '" + spec + "'");
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(spec.substr(eq + 1), ec);
    if (ec || !v.is_object()) {
      return Status::invalid_argument("--params " + spec.substr(0, eq) +
                                      ": the value must be a JSON object, like '{\"pid\":123}'");
    }
    auto& merged = options.params[spec.substr(0, eq)];
    for (const auto& [key, value] : v.as_object()) merged[key] = value;
  }
  if (!flags.timeout.empty()) {
    auto d = parse_duration(flags.timeout);
    if (!d || d->count() <= 0)
      return Status::invalid_argument("--timeout needs a duration like 30s");
    options.kind_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(d.value());
  }
  return options;
}

void print_json(const plugin_host::ConformanceReport& report) {
  boost::json::array checks;
  for (const auto& r : report.results) {
    checks.push_back(
        {{"kind", r.kind}, {"check", r.check}, {"passed", r.passed}, {"detail", r.detail}});
  }
  boost::json::object out{{"path", report.path},
                          {"plugin", report.plugin_name},
                          {"version", report.plugin_version},
                          {"abi", report.abi},
                          {"passed", report.passed()},
                          {"failures", report.failures()},
                          {"checks", std::move(checks)}};
  std::printf("%s\n", boost::json::serialize(out).c_str());
}

// A passing row's detail is context; a failing row's is the diagnosis, so it is never cut.
std::string shorten(const std::string& text, size_t max) {
  return text.size() <= max ? text : text.substr(0, max - 3) + "...";
}

void print_table(const plugin_host::ConformanceReport& report) {
  if (report.plugin_name.empty()) {
    std::printf("%s\n\n", report.path.c_str());
  } else {
    std::printf("plugin %s %s (ABI %s): %s\n\n", report.plugin_name.c_str(),
                report.plugin_version.c_str(), report.abi.c_str(), report.path.c_str());
  }
  size_t kind_width = 8, check_width = 5;
  for (const auto& r : report.results) {
    kind_width = std::max(kind_width, r.kind.size());
    check_width = std::max(check_width, r.check.size());
  }
  const int kw = static_cast<int>(kind_width), cw = static_cast<int>(check_width);
  std::printf("  %-*s  %-*s  %-6s  %s\n", kw, "KIND", cw, "CHECK", "RESULT", "DETAIL");
  for (const auto& r : report.results) {
    std::printf("  %-*s  %-*s  %-6s  %s\n", kw, r.kind.empty() ? "(plugin)" : r.kind.c_str(), cw,
                r.check.c_str(), r.passed ? "pass" : "FAIL",
                (r.passed ? shorten(r.detail, 72) : r.detail).c_str());
  }
  const size_t failed = report.failures();
  if (failed == 0 && !report.results.empty()) {
    std::printf("\npassed: all %zu checks\n", report.results.size());
  } else {
    std::printf("\nFAILED: %zu of %zu checks\n", failed, report.results.size());
  }
}

}  // namespace

int cmd_plugin(const Options& options) {
  const std::string& path = options.check.path;
  auto check_options = check_options_of(options.check);
  if (!check_options) {
    return complain(check_options.status().message() + " (usage: " + kUsage + ")", kExitUsage);
  }
  const auto report = plugin_host::check_plugin(path, check_options.value());
  if (options.json) {
    print_json(report);
  } else {
    print_table(report);
  }
  return report.passed() ? 0 : 1;
}

}  // namespace chaos::cli
