#pragma once
// The Lua type of a fault a script started: a userdata with the metatable "chaos.fault" (as
// wrk's host objects are), not a table, so a script cannot make one up, change its id, or
// pass something else where a fault is expected. A fault reads as
//
//   f.id, f.kind, f.name    -- read-only
//   f:stop()                -- stops it (rollback would anyway)
//   f:update { delay = "300ms" }   -- the given fields replace those of its parameters
//   tostring(f)             -- "fault 2 (latency 'db-latency')"
//
// Errors are raised at the script's line. The methods reach the run through the sandbox's
// ScriptHost.

#include <string>

#include <lua.hpp>

#include "journal/journal_types.h"

namespace chaos::engine {

// Creates the "chaos.fault" metatable. Once per sandbox, before any fault is pushed.
void register_fault_type(lua_State* L);

// Pushes a new fault handle.
void push_fault(lua_State* L, journal::FaultId id, const std::string& kind,
                const std::string& name);

}  // namespace chaos::engine
