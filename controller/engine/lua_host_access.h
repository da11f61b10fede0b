#pragma once
// What every C function the scripts call needs: the run's ScriptHost, and the "soft" error
// return (nil, message) that leaves raising to the Lua side, at the script's line (STYLE.md
// rule 7: lua_error longjmps over C++ destructors).

#include <lua.hpp>
#include <string>

#include "engine/lua_sandbox.h"
#include "engine/script_host.h"

namespace chaos::engine {

inline ScriptHost& host_of(lua_State* L) {
  return *static_cast<ScriptHost*>(sandbox_state(L).host);
}

// Pushes nil and `message`; returns their count.
inline int soft_error(lua_State* L, const std::string& message) {
  lua_pushnil(L);
  lua_pushlstring(L, message.data(), message.size());
  return 2;
}

}  // namespace chaos::engine
