#pragma once
// LuaSandbox: one lua_State per run, with only what an experiment needs.
//
// Removed: io, os (but os.time, os.clock, os.date), load, loadfile, dofile, require, package,
// debug, collectgarbage, coroutine (a user coroutine would swallow chaos.sleep's yield).
// Globals are strict once lock_globals() is called: reading an undefined global or creating a
// new one is an error, which catches typos such as `chaos.slep`.
// Budgets: memory (allocation fails past the limit) and CPU time per slice (the time a script
// runs between two yields). A script past its slice budget is stopped by yielding from a count
// hook, which its own pcall cannot catch.
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
};

// Per-state bookkeeping, reachable from any coroutine of the state through its extra space.
struct SandboxState {
  Clock* clock = nullptr;
  SandboxLimits limits;
  size_t memory_used = 0;
  SteadyTime slice_started{};
  bool budget_exceeded = false;
  std::string budget_where;  // "file:line" where the script was stopped
  void* host = nullptr;      // the ScriptHost, for the chaos.* functions
  bool sleep_allowed = false;  // false while the file's top level runs
};

SandboxState& sandbox_state(lua_State* L);

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
