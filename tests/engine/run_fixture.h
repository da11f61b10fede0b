#pragma once
// A hermetic Run for tests: a ManualClock (virtual time, no real waiting), probes sampled on
// the run's loop, the test plugins' "fake" kinds (their effect is a file), a temporary store,
// and a probe kind, file_probe, that reads such a file — so a fault being on is what a probe
// sees, as in a real system.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "engine/probe_kind.h"
#include "engine/run.h"
#include "store/store.h"
#include "support/test_support.h"

namespace chaos::engine::testing {

// How a probe reads its file's text as a value in ms.
using FileReading = std::function<double(const std::string& text)>;
// file_probe's reading: 500 while the file says "on...", 100 otherwise.
inline double on_or_off(const std::string& text) { return text.rfind("on", 0) == 0 ? 500 : 100; }

// file_probe "x" { file = PATH }: the file's text as `read` gives it; an error while it says
// "broken". Answers at once.
class FileProbe final : public probes::Probe {
 public:
  FileProbe(std::string file, FileReading read) : file_(std::move(file)), read_(std::move(read)) {}
  probes::ProbeSample sample(Clock& clock) override {
    probes::ProbeSample s;
    s.at = clock.now();
    s.unix_ms = clock.unix_ms();
    const std::string text = test::read_file(file_);
    s.value = read_(text);
    if (text == "broken") {
      s.ok = false;
      s.error = "the file says broken";
    }
    return s;
  }
  std::string unit() const override { return "ms"; }

 private:
  std::string file_;
  FileReading read_;
};

// A probe kind on FileProbe: file_probe by default; a test may add another name with its own
// reading (run_method_probe_test's level_probe).
class FileProbeKind final : public ProbeKind {
 public:
  explicit FileProbeKind(std::string name = "file_probe", FileReading read = on_or_off)
      : ProbeKind(std::move(name)), read_(std::move(read)) {}
  std::vector<std::string> fields() const override { return {"file"}; }
  Status check(const boost::json::object& f) const override {
    const auto* file = f.if_contains("file");
    return file && file->is_string() ? Status::ok()
                                     : Status::invalid_argument("file: expected a path");
  }
  Result<std::unique_ptr<probes::Probe>> make(const boost::json::object& f) const override {
    return std::unique_ptr<probes::Probe>(
        std::make_unique<FileProbe>(std::string(f.at("file").as_string()), read_));
  }
  hypothesis::ErrorPolicy errors(const boost::json::object&) const override {
    return hypothesis::ErrorPolicy::kData;
  }
  std::string describe(const boost::json::object& f) const override {
    return "the file " + std::string(f.at("file").as_string());
  }

 private:
  FileReading read_;
};

// Records what the run reports, and lets a test act at a moment of the run.
class RecordingObserver final : public RunObserver {
 public:
  void on_event(const journal::JournalEvent& e, double) override { events.push_back(e); }
  void on_phase(journal::Phase phase, double) override { phases.push_back(phase); }
  void on_fault_started(const FaultInfo& f, double) override {
    started.push_back(f);
    if (when_started) when_started(f);
  }
  void on_fault_ended(const FaultInfo& f, bool cleanly, double) override {
    ended.emplace_back(f, cleanly);
  }
  void on_verdict(const RunOutcome& o) override { verdict = o; }

  bool saw(journal::EventKind kind) const {
    for (const auto& e : events) {
      if (e.kind == kind) return true;
    }
    return false;
  }
  std::vector<journal::JournalEvent> events;
  std::vector<journal::Phase> phases;
  std::vector<FaultInfo> started;
  std::vector<std::pair<FaultInfo, bool>> ended;
  std::optional<RunOutcome> verdict;
  std::function<void(const FaultInfo&)> when_started;
};

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        registry_.load_directories({std::string(CHAOS_TEST_PLUGIN_ROOT) + "/fake"}).is_ok());
    ASSERT_TRUE(kinds_.add(std::make_unique<FileProbeKind>()).is_ok());
    auto store = store::Store::open(db_path());
    ASSERT_TRUE(store.is_ok()) << store.status().message();
    store_ = std::move(store.value());
  }

  std::string db_path() const { return dir_.file("chaos.db"); }
  std::string file(const std::string& name) const { return dir_.file(name); }

  // Replaces ${F} (the fault's file) and ${DIR} in `source`.
  std::string expand(std::string source) const {
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"${F}", file("fault")}, {"${DIR}", dir_.path()}}) {
      for (size_t at; (at = source.find(key)) != std::string::npos;) source.replace(at, key.size(), value);
    }
    return source;
  }

  // A `before` for run(): the operator aborts with `reason` once the first fault has started.
  std::function<void(engine::Run&)> abort_when_a_fault_starts(std::string reason) {
    return [this, reason](engine::Run& r) {
      observer_.when_started = [&r, reason](const FaultInfo&) { r.request_abort(reason); };
    };
  }

  // Runs `source` to its end; `before` may reach the Run (e.g. to abort it from an observer).
  RunOutcome run(const std::string& source, const std::function<void(engine::Run&)>& before = {},
                 const std::function<void(RunConfig&)>& configure = {}) {
    RunConfig config;
    config.path = "exp.lua";
    config.source = expand(source);
    config.sampling = SamplingMode::kOnLoop;
    config.probe_kinds = &kinds_;
    config.limits.slice_budget = std::chrono::milliseconds(100);
    if (configure) configure(config);
    engine::Run run(std::move(config), registry_, *store_, clock_, observer_);
    if (before) before(run);
    return run.execute();
  }

  std::vector<std::string> stored_kinds(int64_t run_id) {
    std::vector<std::string> kinds;
    for (const auto& e : store_->events(run_id).value()) kinds.push_back(e.kind);
    return kinds;
  }

  test::TempDir dir_;
  ManualClock clock_;
  plugin_host::PluginRegistry registry_;
  ProbeKindRegistry kinds_ = ProbeKindRegistry::with_builtins();
  std::unique_ptr<store::Store> store_;
  RecordingObserver observer_;
};

}  // namespace chaos::engine::testing
