#pragma once
// LuaSandbox: one lua_State per run, with only what an experiment needs.
//
// Removed: io, os (but os.time, os.clock, os.date), load, loadfile, dofile, require, package,
// debug, collectgarbage, coroutine (a user coroutine would swallow chaos.sleep's yield).
// Globals are strict once lock_globals() is called: reading an undefined global or creating a
// new one is an error, which catches typos such as `chaos.slep`.
// Budgets: memory (allocation fails past the limit), CPU time per slice (the time a script
// runs between two yields) and, optionally, in all. A script past its budget is stopped from a
// count hook that its own pcall cannot outlast, also inside callbacks called from C
// (table.sort, string.gsub, __tostring); __gc metamethods, which Lua runs with hooks off, are
// refused by setmetatable.
//
// Thread-safety: one thread at a time (the run's event loop).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <lua.hpp>

#include "common/clock.h"
#include "common/status.h"

namespace chaos::engine {

struct SandboxLimits {
  std::chrono::microseconds slice_budget = std::chrono::seconds(2);
  size_t memory_bytes = 256u << 20;
  // Time from the sandbox's creation after which any script is stopped; 0: no limit. For
  // evaluations that never really wait (a dry run), so a file cannot hold a worker forever.
  std::chrono::microseconds total_budget{0};
};

// Per-state bookkeeping, reachable from any coroutine of the state through its extra space.
struct SandboxState {
  Clock* clock = nullptr;
  SandboxLimits limits;
  size_t memory_used = 0;
  SteadyTime created{};
  SteadyTime slice_started{};
  bool budget_exceeded = false;  // in this slice; from then on every hook call stops the script
  bool total_exceeded = false;   // ... because of total_budget
  std::string budget_where;      // "file:line" where the script was stopped
  std::string budget_message;    // the error the hook raises inside calls from C
  int host_sections = 0;         // > 0: the host is working on the state (see HostSection)
  void* host = nullptr;      // the ScriptHost, for the chaos.* functions
  bool sleep_allowed = false;  // false while the file's top level runs
};

SandboxState& sandbox_state(lua_State* L);

// While one is alive, allocations are not held to the script's memory limit. The host's own
// work on the state (creating a coroutine, reading what the script declared) runs outside any
// protected call, where a failed allocation would end the process; a script that filled its
// memory to the brim must not turn that into a crash. Only host code runs inside one.
class HostSection {
 public:
  explicit HostSection(lua_State* L) : state_(sandbox_state(L)) { ++state_.host_sections; }
  ~HostSection() { --state_.host_sections; }
  HostSection(const HostSection&) = delete;
  HostSection& operator=(const HostSection&) = delete;

 private:
  SandboxState& state_;
};

class LuaSandbox {
 public:
  static Result<std::unique_ptr<LuaSandbox>> create(Clock& clock, SandboxLimits limits);
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  lua_State* state() { return L_; }
  SandboxState& bookkeeping() { return *state_; }
  // Makes globals strict (see above). Call after the host's globals are installed.
  void lock_globals();

 private:
  LuaSandbox() = default;
  std::unique_ptr<SandboxState> state_;
  lua_State* L_ = nullptr;
};

// A Lua function run as a coroutine of the sandbox, step by step.
class LuaCoroutine {
 public:
  enum class Step { kYielded, kFinished, kFailed };

  // Takes the function on top of the sandbox's main stack (pops it).
  explicit LuaCoroutine(LuaSandbox& sandbox);
  ~LuaCoroutine();

  // Runs until the script yields (e.g. chaos.sleep), returns, or fails. On kFailed, error()
  // holds "file:line: message" and a traceback.
  Step resume();
  const std::string& error() const { return error_; }
  // After kFinished: whether the first returned value was truthy, and the second if a string.
  bool returned_truthy() const { return returned_truthy_; }
  const std::string& returned_text() const { return returned_text_; }

 private:
  LuaSandbox& sandbox_;
  lua_State* thread_ = nullptr;
  int ref_ = LUA_NOREF;  // keeps the thread alive in the registry
  std::string error_;
  bool returned_truthy_ = false;
  std::string returned_text_;
};

}  // namespace chaos::engine
