#include "engine/lua_sweep_api.h"

#include <boost/json.hpp>
#include <string>

#include "engine/lua_host_access.h"
#include "engine/lua_json.h"
#include "engine/lua_sandbox.h"
#include "engine/script_host.h"

// STYLE.md rule 7: every C++ object is built and gone inside the helpers; errors come back
// "soft" (nil, message) for sweep.lua to raise at the sweep's line.

namespace chaos::engine {

namespace {

std::string text(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

double number(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0;
}

std::optional<std::string> magnitude(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  return v->is_string() ? std::string(v->as_string()) : boost::json::serialize(*v);
}

void push_string(lua_State* L, const std::string& s, const char* field) {
  lua_pushlstring(L, s.data(), s.size());
  lua_setfield(L, -2, field);
}

// { outcome = "held"|"broke"|"inconclusive", reason = "...",
//   checks = { { probe=, aggregate=, value=, expectation=, outcome=, samples= }, ... } }
void push_verdict(lua_State* L, const SweepVerdict& v) {
  lua_createtable(L, 0, 3);
  push_string(L, v.outcome, "outcome");
  push_string(L, v.reason, "reason");
  lua_createtable(L, static_cast<int>(v.checks.size()), 0);
  lua_Integer i = 0;
  for (const auto& c : v.checks) {
    lua_createtable(L, 0, 6);
    push_string(L, c.probe, "probe");
    push_string(L, c.aggregate, "aggregate");
    if (c.value) {
      lua_pushnumber(L, *c.value);
      lua_setfield(L, -2, "value");
    }
    push_string(L, c.expectation, "expectation");
    push_string(L, c.outcome, "outcome");
    lua_pushinteger(L, c.samples);
    lua_setfield(L, -2, "samples");
    lua_rawseti(L, -2, ++i);
  }
  lua_setfield(L, -2, "checks");
}

// sweep_step{ sweep=, step=, fault=, kind=, param=, magnitude=, value=, unit=, from=, to=,
// until= } -> the verdict, or nil and the error.
int sweep_step(lua_State* L) {
  auto given = lua_to_json(L, 1);
  if (!given || !given->is_object()) return soft_error(L, "sweep_step: expected a table");
  const auto& o = given->as_object();
  SweepStep step;
  step.sweep = static_cast<int>(number(o, "sweep"));
  step.step = static_cast<int>(number(o, "step"));
  step.fault_id = static_cast<int64_t>(number(o, "fault_id"));
  step.fault = text(o, "fault");
  step.kind = text(o, "kind");
  step.param = text(o, "param");
  step.magnitude = magnitude(o, "magnitude").value_or("");
  step.value = number(o, "value");
  step.unit = text(o, "unit");
  step.from_s = number(o, "from");
  step.to_s = number(o, "to");
  step.until = text(o, "until");
  auto verdict = host_of(L).judge_sweep_step(step);
  if (!verdict) return soft_error(L, verdict.status().message());
  push_verdict(L, verdict.value());
  return 1;
}

// sweep_end{ sweep=, fault=, kind=, param=, steps=, last_good=, first_bad=, inconclusive= }
int sweep_end(lua_State* L) {
  auto given = lua_to_json(L, 1);
  if (!given || !given->is_object()) return soft_error(L, "sweep_end: expected a table");
  const auto& o = given->as_object();
  SweepEnd end;
  end.sweep = static_cast<int>(number(o, "sweep"));
  end.fault = text(o, "fault");
  end.kind = text(o, "kind");
  end.param = text(o, "param");
  end.steps = static_cast<int>(number(o, "steps"));
  end.last_good = magnitude(o, "last_good");
  end.first_bad = magnitude(o, "first_bad");
  const auto* inconclusive = o.if_contains("inconclusive");
  end.inconclusive = inconclusive && inconclusive->is_bool() && inconclusive->as_bool();
  host_of(L).end_sweep(end);
  return 0;
}

}  // namespace

void add_sweep_functions(lua_State* L) {
  lua_pushcfunction(L, sweep_step);
  lua_setfield(L, -2, "sweep_step");
  lua_pushcfunction(L, sweep_end);
  lua_setfield(L, -2, "sweep_end");
}

}  // namespace chaos::engine
