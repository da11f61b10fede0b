#include "engine/experiment_script.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstring>

#include "common/duration.h"
#include "engine/lua_errors.h"
#include "engine/lua_host_api.h"
#include "engine/lua_json.h"
#include "engine/lua_sweep_api.h"
#include "engine/probe_kind.h"

namespace chaos::engine {

extern const char* const kPreludeSource;
extern const char* const kSweepSource;

namespace {

// Field readers for the definition table. The prelude has already checked types, so a missing
// or odd field falls back to the default rather than failing twice.
// Raw reads (no __index): reading the definition runs no script code, since it happens
// outside any protected call, where a Lua error would end the process.
int raw_field(lua_State* L, int table, const char* key) {
  lua_pushstring(L, key);
  return lua_rawget(L, table);
}

std::string string_field(lua_State* L, int table, const char* key, std::string fallback = "") {
  raw_field(L, table, key);
  std::string out = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : std::move(fallback);
  lua_pop(L, 1);
  return out;
}

std::optional<double> number_field(lua_State* L, int table, const char* key) {
  raw_field(L, table, key);
  std::optional<double> out;
  if (lua_type(L, -1) == LUA_TNUMBER) out = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return out;
}

std::chrono::microseconds duration_field(lua_State* L, int table, const char* key,
                                         std::chrono::microseconds fallback) {
  auto d = parse_duration(string_field(L, table, key));
  return d ? d.value() : fallback;
}

std::vector<hypothesis::Expectation> read_expectations(lua_State* L, int probe) {
  std::vector<hypothesis::Expectation> out;
  raw_field(L, probe, "expect");
  const int list = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, list, i) == LUA_TTABLE; ++i) {
    const int item = lua_gettop(L);
    hypothesis::Expectation e;
    e.aggregate = string_field(L, item, "aggregate");
    if (auto v = number_field(L, item, "min")) e.bound.min = *v;
    if (auto v = number_field(L, item, "max")) e.bound.max = *v;
    if (auto v = number_field(L, item, "min_x_baseline")) e.bound.min_x_baseline = *v;
    if (auto v = number_field(L, item, "max_x_baseline")) e.bound.max_x_baseline = *v;
    out.push_back(std::move(e));
    lua_pop(L, 1);
  }
  lua_pop(L, 2);  // the nil that ended the loop, and the list
  return out;
}

// The kind's own fields, which the prelude checked with the kind (host.check_probe) and kept
// as p.config.
boost::json::object read_config(lua_State* L, int probe) {
  raw_field(L, probe, "config");
  auto config = lua_type(L, -1) == LUA_TTABLE ? lua_to_json(L, lua_gettop(L))
                                              : Result<boost::json::value>(boost::json::object());
  lua_pop(L, 1);
  return config && config->is_object() ? config->as_object() : boost::json::object();
}

ProbeSpec read_probe(lua_State* L, int probe, bool guardrail, const ProbeKindRegistry& kinds) {
  ProbeSpec p;
  p.name = string_field(L, probe, "name");
  p.kind = string_field(L, probe, "kind", "http_probe");
  p.type = kinds.find(p.kind);
  p.config = read_config(L, probe);
  p.guardrail = guardrail;
  p.errors = p.type ? p.type->errors(p.config) : hypothesis::ErrorPolicy::kData;
  // Absent fields are the defaults (experiment_defaults.h, or the kind's).
  p.every = duration_field(L, probe, "every", p.type ? p.type->default_every() : p.every);
  const size_t min_samples = guardrail ? defaults::kGuardrailMinSamples : defaults::kMinSamples;
  p.min_samples = static_cast<size_t>(
      number_field(L, probe, "min_samples").value_or(static_cast<double>(min_samples)));
  raw_field(L, probe, "during");
  p.during = lua_toboolean(L, -1);
  lua_pop(L, 1);
  p.window = duration_field(L, probe, "window", defaults::kGuardrailWindow);
  p.predicate = static_cast<int>(number_field(L, probe, "predicate").value_or(0));
  p.expect = read_expectations(L, probe);
  p.where = string_field(L, probe, "where");
  return p;
}

}  // namespace

Result<std::unique_ptr<ExperimentScript>> ExperimentScript::load(const std::string& source,
                                                                 const std::string& path,
                                                                 ScriptHost& host, Clock& clock,
                                                                 SandboxLimits limits,
                                                                 const ProbeKindRegistry* kinds) {
  std::unique_ptr<ExperimentScript> script(new ExperimentScript());
  script->probe_kinds_ = kinds ? kinds : &ProbeKindRegistry::builtin();
  auto sandbox = LuaSandbox::create(clock, limits);
  if (!sandbox) return sandbox.status();
  script->sandbox_ = std::move(sandbox.value());
  script->sandbox_->bookkeeping().host = &host;
  lua_State* L = script->sandbox_->state();

  if (luaL_loadbufferx(L, kPreludeSource, std::strlen(kPreludeSource), "=chaos", "t") != LUA_OK) {
    return Status::failed(std::string("internal error in the experiment API: ") +
                          lua_tostring(L, -1));
  }
  push_host_functions(L, *script->probe_kinds_);
  add_sweep_functions(L);
  lua_pushvalue(L, -1);
  lua_insert(L, -3);  // the host table stays below, for sweep.lua
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    return Status::failed(std::string("internal error in the experiment API: ") +
                          lua_tostring(L, -1));
  }
  // sweep.lua gets the host table and what the prelude left in host.prelude.
  if (luaL_loadbufferx(L, kSweepSource, std::strlen(kSweepSource), "=chaos.sweep", "t") !=
      LUA_OK) {
    return Status::failed(std::string("internal error in the experiment API (sweep): ") +
                          lua_tostring(L, -1));
  }
  lua_insert(L, -2);
  lua_getfield(L, -1, "prelude");
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
    return Status::failed(std::string("internal error in the experiment API (sweep): ") +
                          lua_tostring(L, -1));
  }
  script->sandbox_->lock_globals();

  if (Status st = load_chunk(L, source, path); !st) return st;
  LuaCoroutine top_level(*script->sandbox_);
  switch (top_level.resume()) {
    case LuaCoroutine::Step::kFinished:
      break;
    case LuaCoroutine::Step::kFailed:
      return Status::invalid_argument(top_level.error());
    case LuaCoroutine::Step::kYielded:
      return Status::invalid_argument(path + ": the top of the file must not wait");
  }
  if (Status st = script->read_definition(); !st) {
    return Status::invalid_argument(path + ": " + st.message());
  }
  if (Status st = script->check_baseline(); !st) return st;
  script->sandbox_->bookkeeping().sleep_allowed = true;
  return script;
}

Status ExperimentScript::read_definition() {
  lua_State* L = sandbox_->state();
  HostSection host(L);
  lua_getfield(L, LUA_REGISTRYINDEX, kDefinitionKey);
  if (lua_type(L, -1) != LUA_TTABLE) {
    lua_pop(L, 1);
    return Status::invalid_argument("no experiment found; the file must call experiment { ... }");
  }
  const int def = lua_gettop(L);
  Experiment& e = experiment_;
  e.title = string_field(L, def, "title");
  e.description = string_field(L, def, "description");
  if (auto seed = number_field(L, def, "seed")) e.seed = static_cast<int64_t>(*seed);

  const std::string where = string_field(L, def, "where");
  // proxies = { name = { ...parameters of the kind that provides proxies... } }: the prelude
  // checked the shape; the kind's schema checks the parameters (DeclaredProxies::resolve).
  raw_field(L, def, "proxies");
  std::vector<std::string> names;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING) names.emplace_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  std::sort(names.begin(), names.end());  // a stable order: proxies start in name order
  for (const auto& name : names) {
    raw_field(L, lua_gettop(L), name.c_str());
    auto params = lua_to_json(L, lua_gettop(L), "");
    lua_pop(L, 1);
    if (!params || !params->is_object()) {
      lua_pop(L, 2);
      return Status::invalid_argument(
          where + ": proxies." + name + ": " +
          (params ? std::string("expected a table of parameters") : params.status().message()));
    }
    ProxySpec proxy{name, "", std::move(params->as_object()), where};
    if (const auto* kind = proxy.params.if_contains("kind"); kind && kind->is_string()) {
      proxy.kind = std::string(kind->as_string());
      proxy.params.erase("kind");
    }
    e.proxies.push_back(std::move(proxy));
  }
  lua_pop(L, 1);

  for (const char* field : {"steady_state", "guardrails"}) {
    raw_field(L, def, field);
    const int probes = lua_gettop(L);
    const bool guardrail = std::strcmp(field, "guardrails") == 0;
    for (lua_Integer i = 1; lua_rawgeti(L, probes, i) == LUA_TTABLE; ++i) {
      e.probes.push_back(read_probe(L, lua_gettop(L), guardrail, *probe_kinds_));
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }

  raw_field(L, def, "baseline");
  if (lua_type(L, -1) == LUA_TTABLE) {
    const int baseline = lua_gettop(L);
    e.baseline_warmup = duration_field(L, baseline, "warmup", e.baseline_warmup);
    e.baseline_timeout = duration_field(L, baseline, "timeout", e.baseline_timeout);
    raw_field(L, baseline, "min");
    baseline_min_given_ = lua_type(L, -1) == LUA_TSTRING;
    lua_pop(L, 1);
    e.baseline_min = duration_field(L, baseline, "min", e.baseline_min);
  }
  lua_pop(L, 1);
  raw_field(L, def, "recovery");
  if (lua_type(L, -1) == LUA_TTABLE) {
    e.recovery_within = duration_field(L, lua_gettop(L), "within", e.recovery_within);
  }
  lua_pop(L, 1);
  lua_pop(L, 1);  // the definition
  where_ = where;
  return Status::ok();
}

// The prelude checked each field alone; here they are checked together. Errors begin with
// the file and line of experiment { ... }.
Status ExperimentScript::check_baseline() {
  Experiment& e = experiment_;
  const bool min_given = baseline_min_given_;
  const std::string at = where_.empty() ? "" : where_ + ": ";
  if (e.baseline_warmup >= e.baseline_timeout) {
    return Status::invalid_argument(
        at + "experiment: baseline.warmup (" + format_duration(e.baseline_warmup) +
        ") must be shorter than baseline.timeout (" + format_duration(e.baseline_timeout) +
        "): nothing would be left of the baseline to judge");
  }
  const auto room = e.baseline_timeout - e.baseline_warmup;
  if (!min_given) {
    e.baseline_min = std::min(e.baseline_min, room);
  } else if (e.baseline_min > room) {
    return Status::invalid_argument(
        at + "experiment: baseline.min (" + format_duration(e.baseline_min) +
        ") does not fit: baseline.warmup (" + format_duration(e.baseline_warmup) +
        ") plus baseline.min is longer than baseline.timeout (" +
        format_duration(e.baseline_timeout) + ")");
  }
  return Status::ok();
}

namespace {

void push_numbers(lua_State* L, const std::map<std::string, double>& values) {
  lua_createtable(L, 0, static_cast<int>(values.size()));
  for (const auto& [name, value] : values) {
    lua_pushnumber(L, value);
    lua_setfield(L, -2, name.c_str());
  }
}

}  // namespace

Result<ExperimentScript::PredicateAnswer> ExperimentScript::call_predicate(
    int predicate, const std::map<std::string, double>& window,
    const std::map<std::string, double>& baseline) {
  lua_State* L = sandbox_->state();
  std::optional<HostSection> host(L);
  push_numbers(L, window);
  push_numbers(L, baseline);
  lua_setfield(L, -2, "baseline");
  lua_setfield(L, LUA_REGISTRYINDEX, kWindowKey);
  lua_rawgeti(L, LUA_REGISTRYINDEX, predicate);
  LuaCoroutine call(*sandbox_);
  host.reset();  // the predicate itself is the script's, within its limit
  switch (call.resume()) {
    case LuaCoroutine::Step::kFinished:
      return PredicateAnswer{call.returned_truthy(), call.returned_text()};
    case LuaCoroutine::Step::kFailed:
      return Status::failed(call.error().substr(0, call.error().find('\n')));
    case LuaCoroutine::Step::kYielded:
      break;
  }
  return Status::failed("an expect function must not wait (no chaos.sleep in it)");
}

std::unique_ptr<LuaCoroutine> ExperimentScript::entry_point(const char* name) {
  lua_State* L = sandbox_->state();
  HostSection host(L);
  lua_getfield(L, LUA_REGISTRYINDEX, kEntryPointsKey);
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
  return std::make_unique<LuaCoroutine>(*sandbox_);
}

}  // namespace chaos::engine
