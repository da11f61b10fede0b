// Fuzz target: the experiment loader, from Lua source to a checked experiment, exactly as
// `chaosctl validate` (and every `chaosctl run`, before it injects) does it: the sandbox with
// its budgets, the experiment API, parameters converted to JSON and checked against the
// built-in plugins' schemas, the method run in virtual time. Properties: no crash, no hang
// (the budgets hold), and every error names the file.
#include <chrono>
#include <cstdint>
#include <string>

#include "engine/dry_run.h"
#include "fuzz/fuzz_check.h"

namespace {

chaos::plugin_host::PluginRegistry* registry = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  registry = new chaos::plugin_host::PluginRegistry();
  // The built-in plugins of the same build (network, load), for their real schemas.
  if (chaos::Status st = registry->load_directories({CHAOS_FUZZ_PLUGIN_DIR}); !st) {
    std::fprintf(stderr, "fuzz_experiment: %s\n", st.message().c_str());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (registry == nullptr) LLVMFuzzerInitialize(nullptr, nullptr);  // the ctest replay
  const std::string source(reinterpret_cast<const char*>(data), size);
  chaos::engine::SandboxLimits limits;
  limits.slice_budget = std::chrono::milliseconds(100);
  limits.total_budget = std::chrono::milliseconds(300);
  limits.memory_bytes = 32u << 20;
  auto report = chaos::engine::dry_run(source, "fuzz.lua", *registry, limits);
  if (!report) {
    const std::string& message = report.status().message();
    FUZZ_CHECK(message.rfind("fuzz.lua", 0) == 0, "an error that does not name the file: %s",
               message.c_str());
  }
  return 0;
}
