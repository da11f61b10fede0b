#pragma once
// The host's private functions behind the Lua experiment API (engine/prelude.lua), and the
// registry keys where the prelude leaves the experiment's definition and entry points.

#include <lua.hpp>

namespace chaos::engine {

inline constexpr const char* kDefinitionKey = "chaos.definition";
inline constexpr const char* kEntryPointsKey = "chaos.entry_points";
inline constexpr const char* kWindowKey = "chaos.window";  // the predicate's argument

// Pushes a table of C functions (inject, stop, update, sleep, log, now, where, micros,
// check_duration, check_aggregate, define, entry_points). They reach the ScriptHost through
// sandbox_state(L).host.
void push_host_functions(lua_State* L);

}  // namespace chaos::engine
