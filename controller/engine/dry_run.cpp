#include "engine/dry_run.h"

#include <boost/json.hpp>

#include "engine/experiment_script.h"
#include "engine/probe_factory.h"
#include "engine/proxy_catalog.h"
#include "engine/script_host.h"
#include "engine/target_check.h"

namespace chaos::engine {

namespace {

// A method longer than this in virtual time is almost certainly an endless loop of sleeps.
constexpr auto kMaxMethodLength = std::chrono::hours(24);
// All the Lua of a dry run, unless the caller sets its own total_budget. A real experiment
// checks in milliseconds; this stops a loop of tiny sleeps, which no slice budget sees.
constexpr auto kDryRunBudget = std::chrono::seconds(10);

class DryRunHost final : public ScriptHost {
 public:
  explicit DryRunHost(const plugin_host::PluginRegistry& registry) : registry_(registry) {}
  void set_proxies(const ProxyCatalog& proxies) { proxies_ = &proxies; }
  void set_targets(const TargetAllowlist* targets) { targets_ = targets; }
  void set_experiment(const Experiment& experiment) { experiment_ = &experiment; }

  Result<Injected> inject(const std::string& kind, const boost::json::value& params,
                          std::optional<std::chrono::microseconds> duration,
                          const std::string& name) override {
    if (!proxies_) return Status::invalid_argument(kNoFaultsAtTheTop);  // set once it is read
    auto filled = prepare(kind, params);
    if (!filled) return filled.status();
    // The plan is printed and served: writeOnly parameters (passwords) are redacted.
    const std::string shown =
        boost::json::serialize(registry_.find_kind(kind)->redacted(filled.value()));
    faults_.push_back(
        PlannedFault{kind, name, shown, now_, duration.value_or(std::chrono::microseconds(0))});
    given_.push_back(params.is_object() ? params.as_object() : boost::json::object());
    const journal::FaultId id = static_cast<journal::FaultId>(faults_.size());
    return Injected{id, name.empty() ? kind + "-" + std::to_string(id) : name};
  }
  Status stop_fault(journal::FaultId id) override {
    return id >= 1 && id <= static_cast<journal::FaultId>(faults_.size())
               ? Status::ok()
               : Status::not_found("no fault with id " + std::to_string(id));
  }
  Status update_fault(journal::FaultId id, const boost::json::value& changes) override {
    if (Status st = stop_fault(id); !st) return st;
    if (!changes.is_object()) return Status::invalid_argument("update: expected a table of parameters");
    boost::json::object merged = given_[static_cast<size_t>(id - 1)];
    for (const auto& [key, value] : changes.as_object()) merged[key] = value;
    auto filled = prepare(faults_[static_cast<size_t>(id - 1)].kind, merged);
    if (!filled) return filled.status();
    given_[static_cast<size_t>(id - 1)] = std::move(merged);
    return Status::ok();
  }
  // Nothing is sampled in a dry run: every probe has no samples yet (count 0).
  Result<std::map<std::string, double>> probe_reading(
      const std::string& name, std::optional<std::chrono::microseconds>) override {
    if (!experiment_) return Status::invalid_argument(kNoProbesAtTheTop);
    for (const auto& probe : experiment_->probes) {
      if (probe.name == name) return std::map<std::string, double>{{"count", 0}, {"errors", 0}};
    }
    return Status::not_found("no probe named '" + name + "'");
  }
  bool is_dry_run() const override { return true; }
  void wake_after(std::chrono::microseconds delay) override { now_ += delay; }
  void log(const std::string&) override {}
  double seconds_since_start() override {
    return std::chrono::duration<double>(now_).count();
  }

  std::chrono::microseconds now() const { return now_; }
  std::vector<PlannedFault>& faults() { return faults_; }

 private:
  // As the run does (FaultSet::prepare): the proxy resolved, then the schema.
  Result<boost::json::value> prepare(const std::string& kind, const boost::json::value& params) {
    const plugin_host::FaultKind* k = registry_.find_kind(kind);
    if (!k || !params.is_object()) return registry_.validate_params(kind, params);
    auto attached = attach_to_proxy(*k, params, *proxies_);
    if (!attached) return attached.status().with_context(kind);
    auto valid = registry_.validate_params(kind, attached.value());
    if (!valid || !targets_) return valid;
    if (Status st = check_fault_targets(*k, valid.value(), *targets_); !st) return st;
    return valid;
  }

  const plugin_host::PluginRegistry& registry_;
  const ProxyCatalog* proxies_ = nullptr;
  const TargetAllowlist* targets_ = nullptr;
  const Experiment* experiment_ = nullptr;  // set once the experiment is read
  std::vector<PlannedFault> faults_;
  std::vector<boost::json::object> given_;  // by id - 1: the parameters as the script gave them
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
                             const plugin_host::PluginRegistry& registry, SandboxLimits limits,
                             const ProbeKindRegistry* probe_kinds, const ProxyCatalog* standing,
                             const TargetAllowlist* targets) {
  DryRunHost host(registry);
  host.set_targets(targets);
  if (limits.total_budget.count() == 0) limits.total_budget = kDryRunBudget;
  SystemClock clock;  // only the CPU budget reads it; script time is virtual
  auto script = ExperimentScript::load(source, path, host, clock, limits, probe_kinds);
  if (!script) return Status::invalid_argument(first_line(script.status().message()));

  DryRunReport report;
  report.experiment = script.value()->experiment();
  for (const auto& probe : report.experiment.probes) {
    if (auto made = make_probe(probe); !made) return made.status();
    if (targets) {
      if (Status st = check_probe_target(probe, *targets); !st) return st;
    }
  }
  auto proxies = DeclaredProxies::resolve(report.experiment.proxies, registry);
  if (!proxies) return proxies.status();
  // Standing proxies (this process's or another's) after the experiment's own.
  const ProxyCatalogs catalogs({&proxies.value(), standing});
  host.set_proxies(catalogs);
  host.set_experiment(report.experiment);
  auto method = script.value()->method();
  if (Status st = run_to_end(*method, host, "method"); !st) return st;
  report.method_length = host.now();
  auto rollbacks = script.value()->rollbacks();
  if (Status st = run_to_end(*rollbacks, host, "rollbacks"); !st) return st;
  report.faults = std::move(host.faults());
  return report;
}

}  // namespace chaos::engine
