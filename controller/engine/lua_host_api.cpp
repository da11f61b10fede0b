#include "engine/lua_host_api.h"

#include <boost/json.hpp>
#include <cmath>
#include <string>
#include <utility>

#include "common/duration.h"
#include "engine/lua_fault.h"
#include "engine/lua_host_access.h"
#include "engine/lua_json.h"
#include "engine/lua_sandbox.h"
#include "engine/probe_kind.h"
#include "engine/script_host.h"
#include "hypothesis/probe_judge.h"
#include "hypothesis/tolerance.h"

// Rule for this file (STYLE.md rule 7): Lua is built as C, so lua_error longjmps over C++
// destructors. Each function does its work in a helper that returns "soft" errors (nil, message)
// for the prelude to raise at the right source line; only chaos.sleep raises, and it does so
// after every C++ object is gone.

namespace chaos::engine {

namespace {

std::string string_arg(lua_State* L, int index) {
  size_t len = 0;
  const char* s = lua_type(L, index) == LUA_TSTRING ? lua_tolstring(L, index, &len) : nullptr;
  return s ? std::string(s, len) : std::string();
}

// inject(kind, params, duration, name) -> a fault (lua_fault.h), or nil and the error.
int inject(lua_State* L) {
  if (lua_type(L, 1) != LUA_TSTRING || lua_type(L, 2) != LUA_TTABLE) {
    return soft_error(L, "chaos.inject(kind, params): expected a fault kind name and a table of "
                         "parameters");
  }
  const std::string kind = string_arg(L, 1);
  auto params = lua_to_json(L, 2);
  if (!params) return soft_error(L, kind + ": " + params.status().message());
  std::optional<std::chrono::microseconds> duration;
  if (lua_type(L, 3) == LUA_TSTRING) {
    auto d = parse_duration(string_arg(L, 3));
    if (!d) return soft_error(L, kind + ": duration: " + d.status().message());
    duration = d.value();
  }
  auto fault = host_of(L).inject(kind, params.value(), duration, string_arg(L, 4));
  if (!fault) return soft_error(L, fault.status().message());
  push_fault(L, fault->id, kind, fault->name);
  return 1;
}

// probe_kinds() -> { { name = "http_probe", fields = { "url", ... } }, ... }
int probe_kinds(lua_State* L) {
  const auto& registry =
      *static_cast<const ProbeKindRegistry*>(lua_touserdata(L, lua_upvalueindex(1)));
  lua_createtable(L, static_cast<int>(registry.kinds().size()), 0);
  lua_Integer i = 0;
  for (const auto& kind : registry.kinds()) {
    lua_createtable(L, 0, 2);
    lua_pushlstring(L, kind->name().data(), kind->name().size());
    lua_setfield(L, -2, "name");
    const auto fields = kind->fields();
    lua_createtable(L, static_cast<int>(fields.size()), 0);
    lua_Integer j = 0;
    for (const auto& f : fields) {
      lua_pushlstring(L, f.data(), f.size());
      lua_rawseti(L, -2, ++j);
    }
    lua_setfield(L, -2, "fields");
    lua_rawseti(L, -2, ++i);
  }
  return 1;
}

// check_probe(kind, fields) -> nil, or the message of what is wrong with the fields.
int check_probe(lua_State* L) {
  const auto& registry =
      *static_cast<const ProbeKindRegistry*>(lua_touserdata(L, lua_upvalueindex(1)));
  const ProbeKind* kind = registry.find(string_arg(L, 1));
  if (!kind) return soft_error(L, "unknown probe kind '" + string_arg(L, 1) + "'");
  auto fields = lua_to_json(L, 2);
  if (!fields) return soft_error(L, fields.status().message());
  Status st = fields->is_object() ? kind->check(fields->as_object())
                                  : kind->check(boost::json::object());
  if (st) return 0;
  lua_pushlstring(L, st.message().data(), st.message().size());
  return 1;
}

// probe(name [, window]) -> the probe's reading (ScriptHost::probe_reading), or nil and the
// error. An aggregate the window has no value for is NaN, so a comparison with it is false
// rather than an error in the middle of a run (a probe stalled by the fault has no samples).
int probe(lua_State* L) {
  std::optional<std::chrono::microseconds> window;
  if (lua_type(L, 2) == LUA_TSTRING) {
    auto d = parse_duration(string_arg(L, 2));
    if (!d) return soft_error(L, "chaos.probe: window: " + d.status().message());
    window = d.value();
  }
  auto reading = host_of(L).probe_reading(string_arg(L, 1), window);
  if (!reading) return soft_error(L, "chaos.probe: " + reading.status().message());
  auto& values = reading.value();
  for (std::string name : hypothesis::kValueAggregates) {
    values.try_emplace(name, std::nan(""));
    values.try_emplace(name + "_ms", std::nan(""));
  }
  values.try_emplace("error_ratio", std::nan(""));
  // Not held to the script's memory limit: a failed allocation would longjmp over `values`.
  HostSection section(L);
  lua_createtable(L, 0, static_cast<int>(values.size()));
  for (const auto& [name, value] : values) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name.c_str());
  }
  return 1;
}

// dry_run() -> whether this is the dry run, where nothing is sampled (ScriptHost::is_dry_run).
int dry_run(lua_State* L) {
  lua_pushboolean(L, host_of(L).is_dry_run());
  return 1;
}

// may_wait() -> whether chaos.sleep may yield here (in the method or the rollbacks).
int may_wait(lua_State* L) {
  lua_pushboolean(L, lua_isyieldable(L) && sandbox_state(L).sleep_allowed);
  return 1;
}

// Returns 0 when the host was asked to wake the script, -1 with a message pushed otherwise.
int schedule_wake(lua_State* L) {
  if (!lua_isyieldable(L) || !sandbox_state(L).sleep_allowed) {
    lua_pushstring(L, "chaos.sleep can only be used inside the method or rollbacks, "
                      "not at the top of the file");
    return -1;
  }
  auto d = parse_duration(string_arg(L, 1));
  if (!d) {
    const std::string msg = "chaos.sleep: " + d.status().message();
    lua_pushlstring(L, msg.data(), msg.size());
    return -1;
  }
  host_of(L).wake_after(d.value());
  return 0;
}

int sleep(lua_State* L) {
  if (schedule_wake(L) < 0) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
    return lua_error(L);
  }
  return lua_yield(L, 0);
}

int log(lua_State* L) {
  host_of(L).log(string_arg(L, 1));
  return 0;
}

int now(lua_State* L) {
  lua_pushnumber(L, host_of(L).seconds_since_start());
  return 1;
}

// where(level): "file:line" of the function `level` frames above the caller of where.
int where(lua_State* L) {
  lua_Debug ar;
  const int level = static_cast<int>(lua_tointeger(L, 1));
  if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
    // The whole path (short_src cuts long ones); no C++ string, as pushing may raise.
    const char* name = ar.source[0] == '@' ? ar.source + 1 : ar.short_src;
    lua_pushfstring(L, "%s:%d", name, ar.currentline);
  } else {
    lua_pushstring(L, "?");
  }
  return 1;
}

int micros(lua_State* L) {
  auto d = parse_duration(string_arg(L, 1));
  if (!d) return soft_error(L, d.status().message());
  lua_pushinteger(L, d.value().count());
  return 1;
}

int check_duration(lua_State* L) {
  auto d = parse_duration(string_arg(L, 1));
  if (d) return 0;
  const std::string msg = d.status().message();
  lua_pushlstring(L, msg.data(), msg.size());
  return 1;
}

int check_aggregate(lua_State* L) {
  Status st = hypothesis::check_aggregate_name(string_arg(L, 1));
  if (st) return 0;
  lua_pushlstring(L, st.message().data(), st.message().size());
  return 1;
}

int store_in_registry(lua_State* L, const char* key) {
  lua_settop(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, key);
  return 0;
}

// keep(fn): pins a function in the registry and returns its reference (probe predicates).
int keep(lua_State* L) {
  lua_settop(L, 1);
  lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
  return 1;
}

// window(): the table the host prepared for the predicate being called.
int window(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kWindowKey);
  return 1;
}

int define(lua_State* L) { return store_in_registry(L, kDefinitionKey); }
int entry_points(lua_State* L) { return store_in_registry(L, kEntryPointsKey); }

}  // namespace

void push_host_functions(lua_State* L, const ProbeKindRegistry& probe_kinds) {
  register_fault_type(L);
  static const luaL_Reg kFunctions[] = {
      {"inject", inject},
      {"sleep", sleep},
      {"probe", probe},
      {"may_wait", may_wait},
      {"dry_run", dry_run},
      {"log", log},
      {"now", now},
      {"where", where},
      {"micros", micros},
      {"check_duration", check_duration},
      {"check_aggregate", check_aggregate},
      {"define", define},
      {"keep", keep},
      {"window", window},
      {"entry_points", entry_points},
      {nullptr, nullptr},
  };
  luaL_newlib(L, kFunctions);
  for (auto [name, fn] : {std::pair{"probe_kinds", &engine::probe_kinds},
                          std::pair{"check_probe", &engine::check_probe}}) {
    lua_pushlightuserdata(L, const_cast<ProbeKindRegistry*>(&probe_kinds));
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
  }
}

}  // namespace chaos::engine
