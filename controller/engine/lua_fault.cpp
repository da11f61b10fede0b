#include "engine/lua_fault.h"

#include <cstring>

#include "engine/lua_host_access.h"
#include "engine/lua_json.h"
#include "engine/lua_sandbox.h"
#include "engine/script_host.h"

// STYLE.md rule 7: lua_error longjmps over C++ destructors, so every C++ object lives inside a
// helper that returns before the error is raised.

namespace chaos::engine {

namespace {

constexpr const char* kFaultType = "chaos.fault";

// The userdata's block. Its kind and name are user values 1 and 2 (Lua strings).
struct FaultHandle {
  journal::FaultId id;
};

// Raises the message on top of the stack at the caller's line.
int raise(lua_State* L) {
  luaL_where(L, 1);
  lua_insert(L, -2);
  lua_concat(L, 2);
  return lua_error(L);
}

// Pushes the error of a failed status; returns whether it did.
bool pushed_error(lua_State* L, const Status& st) {
  if (st) return false;
  lua_pushlstring(L, st.message().data(), st.message().size());
  return true;
}

bool stop_failed(lua_State* L, journal::FaultId id) {
  return pushed_error(L, host_of(L).stop_fault(id));
}

bool update_failed(lua_State* L, journal::FaultId id) {
  auto changes = lua_to_json(L, 2);
  if (!changes) return pushed_error(L, changes.status());
  return pushed_error(L, host_of(L).update_fault(id, changes.value()));
}

int fault_stop(lua_State* L) {
  const journal::FaultId id = static_cast<FaultHandle*>(luaL_checkudata(L, 1, kFaultType))->id;
  if (stop_failed(L, id)) return raise(L);
  return 0;
}

int fault_update(lua_State* L) {
  const journal::FaultId id = static_cast<FaultHandle*>(luaL_checkudata(L, 1, kFaultType))->id;
  if (lua_type(L, 2) != LUA_TTABLE) {
    lua_pushstring(L, "update: expected a table of parameters");
    return raise(L);
  }
  if (update_failed(L, id)) return raise(L);
  return 0;
}

int fault_index(lua_State* L) {
  auto* handle = static_cast<FaultHandle*>(luaL_checkudata(L, 1, kFaultType));
  const char* key = lua_tostring(L, 2);
  if (key && std::strcmp(key, "id") == 0) {
    lua_pushinteger(L, handle->id);
  } else if (key && std::strcmp(key, "kind") == 0) {
    lua_getiuservalue(L, 1, 1);
  } else if (key && std::strcmp(key, "name") == 0) {
    lua_getiuservalue(L, 1, 2);
  } else if (key && std::strcmp(key, "stop") == 0) {
    lua_pushcfunction(L, fault_stop);
  } else if (key && std::strcmp(key, "update") == 0) {
    lua_pushcfunction(L, fault_update);
  } else {
    lua_pushfstring(L, "a fault has no field '%s' (it has id, kind, name, stop, update)",
                    key ? key : luaL_typename(L, 2));
    return raise(L);
  }
  return 1;
}

int fault_newindex(lua_State* L) {
  lua_pushstring(L, "a fault is read-only (change its parameters with fault:update { ... })");
  return raise(L);
}

int fault_tostring(lua_State* L) {
  auto* handle = static_cast<FaultHandle*>(luaL_checkudata(L, 1, kFaultType));
  lua_getiuservalue(L, 1, 1);
  lua_getiuservalue(L, 1, 2);
  lua_pushfstring(L, "fault %I (%s '%s')", static_cast<lua_Integer>(handle->id),
                  lua_tostring(L, -2), lua_tostring(L, -1));
  return 1;
}

}  // namespace

void register_fault_type(lua_State* L) {
  luaL_newmetatable(L, kFaultType);  // sets __name
  lua_pushcfunction(L, fault_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, fault_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, fault_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushboolean(L, 0);  // getmetatable(f) is false: the metatable is not the script's
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

void push_fault(lua_State* L, journal::FaultId id, const std::string& kind,
                const std::string& name) {
  auto* handle = static_cast<FaultHandle*>(lua_newuserdatauv(L, sizeof(FaultHandle), 2));
  handle->id = id;
  lua_pushlstring(L, kind.data(), kind.size());
  lua_setiuservalue(L, -2, 1);
  lua_pushlstring(L, name.data(), name.size());
  lua_setiuservalue(L, -2, 2);
  luaL_setmetatable(L, kFaultType);
}

}  // namespace chaos::engine
