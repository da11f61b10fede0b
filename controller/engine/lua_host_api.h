#pragma once
// The host's private functions behind the Lua experiment API (engine/prelude.lua), and the
// registry keys where the prelude leaves the experiment's definition and entry points.

#include <lua.hpp>

namespace chaos::engine {

inline constexpr const char* kDefinitionKey = "chaos.definition";
inline constexpr const char* kEntryPointsKey = "chaos.entry_points";
inline constexpr const char* kWindowKey = "chaos.window";  // the predicate's argument

class ProbeKindRegistry;

// Pushes a table of C functions (inject, sleep, probe, may_wait, dry_run, log, now, where, micros,
// check_duration, check_aggregate, define, keep, window, entry_points, probe_kinds, check_probe) and registers
// the fault type (lua_fault.h). They reach the ScriptHost through sandbox_state(L).host;
// `probe_kinds` must outlive the state.
void push_host_functions(lua_State* L, const ProbeKindRegistry& probe_kinds);

}  // namespace chaos::engine
