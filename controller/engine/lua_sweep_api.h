#pragma once
// The host functions behind sweeps (engine/sweep.lua): host.sweep_step{...} judges and stores
// one step and returns its verdict, host.sweep_end{...} records where the sweep stopped. Both
// reach the ScriptHost through sandbox_state(L).host.

#include <lua.hpp>

namespace chaos::engine {

// Adds sweep_step and sweep_end to the table on top of the stack.
void add_sweep_functions(lua_State* L);

}  // namespace chaos::engine
