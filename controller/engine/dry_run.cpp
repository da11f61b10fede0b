#include "engine/dry_run.h"

#include <boost/json.hpp>

#include "engine/experiment_script.h"
#include "engine/probe_factory.h"
#include "engine/script_host.h"

namespace chaos::engine {

namespace {

// A method longer than this in virtual time is almost certainly an endless loop of sleeps.
constexpr auto kMaxMethodLength = std::chrono::hours(24);

class DryRunHost final : public ScriptHost {
 public:
  explicit DryRunHost(const plugin_host::PluginRegistry& registry) : registry_(registry) {}

  Result<int> inject(const std::string& kind, const boost::json::value& params,
                     std::optional<std::chrono::microseconds> duration,
                     const std::string& name) override {
    auto filled = registry_.validate_params(kind, params);
    if (!filled) return filled.status();
    // The plan is printed and served: writeOnly parameters (passwords) are redacted.
    const std::string shown =
        boost::json::serialize(registry_.find_kind(kind)->redacted(filled.value()));
    faults_.push_back(
        PlannedFault{kind, name, shown, now_, duration.value_or(std::chrono::microseconds(0))});
    return static_cast<int>(faults_.size());
  }
  Status stop_fault(int id) override {
    return id >= 1 && id <= static_cast<int>(faults_.size())
               ? Status::ok()
               : Status::not_found("no fault with id " + std::to_string(id));
  }
  Status update_fault(int id, const boost::json::value& params) override {
    if (Status st = stop_fault(id); !st) return st;
    return registry_.validate_params(faults_[id - 1].kind, params).status();
  }
  void wake_after(std::chrono::microseconds delay) override { now_ += delay; }
  void log(const std::string&) override {}
  double seconds_since_start() override {
    return std::chrono::duration<double>(now_).count();
  }

  std::chrono::microseconds now() const { return now_; }
  std::vector<PlannedFault>& faults() { return faults_; }

 private:
  const plugin_host::PluginRegistry& registry_;
  std::vector<PlannedFault> faults_;
  std::chrono::microseconds now_{0};
};

// The first line of a Lua error: "file:line: message", without the traceback.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

Status run_to_end(LuaCoroutine& co, DryRunHost& host, const char* what) {
  for (;;) {
    switch (co.resume()) {
      case LuaCoroutine::Step::kFinished:
        return Status::ok();
      case LuaCoroutine::Step::kFailed:
        return Status::invalid_argument(first_line(co.error()));
      case LuaCoroutine::Step::kYielded:
        if (host.now() > kMaxMethodLength) {
          return Status::invalid_argument(std::string("the ") + what +
                                          " waits for more than 24 hours; is a loop missing "
                                          "its exit?");
        }
    }
  }
}

}  // namespace

Result<DryRunReport> dry_run(const std::string& source, const std::string& path,
                             const plugin_host::PluginRegistry& registry, SandboxLimits limits) {
  DryRunHost host(registry);
  SystemClock clock;  // only the CPU budget reads it; script time is virtual
  auto script = ExperimentScript::load(source, path, host, clock, limits);
  if (!script) return Status::invalid_argument(first_line(script.status().message()));

  DryRunReport report;
  report.experiment = script.value()->experiment();
  for (const auto& probe : report.experiment.probes) {
    if (auto made = make_probe(probe); !made) return made.status();
  }
  for (const auto& proxy : report.experiment.proxies) {
    boost::json::object params{{"listen", proxy.listen}, {"upstream", proxy.upstream}};
    auto filled = registry.validate_params("proxy", params);
    if (!filled) {
      return Status::invalid_argument(path + ": proxies." + proxy.name + ": " +
                                      filled.status().message());
    }
  }
  auto method = script.value()->method();
  if (Status st = run_to_end(*method, host, "method"); !st) return st;
  report.method_length = host.now();
  auto rollbacks = script.value()->rollbacks();
  if (Status st = run_to_end(*rollbacks, host, "rollbacks"); !st) return st;
  report.faults = std::move(host.faults());
  return report;
}

}  // namespace chaos::engine
