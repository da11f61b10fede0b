#include "engine/experiment_script.h"

#include <cstring>

#include "common/duration.h"
#include "engine/lua_host_api.h"

namespace chaos::engine {

extern const char* const kPreludeSource;

namespace {

// Field readers for the definition table. The prelude has already checked types, so a missing
// or odd field falls back to the default rather than failing twice.
std::string string_field(lua_State* L, int table, const char* key, std::string fallback = "") {
  lua_getfield(L, table, key);
  std::string out = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : std::move(fallback);
  lua_pop(L, 1);
  return out;
}

std::optional<double> number_field(lua_State* L, int table, const char* key) {
  lua_getfield(L, table, key);
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
  lua_getfield(L, probe, "expect");
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

void read_kind_config(lua_State* L, int probe, ProbeSpec& p) {
  const auto timeout = duration_field(L, probe, "timeout", std::chrono::seconds(2));
  const std::string url = string_field(L, probe, "url");
  if (p.kind == "http_probe") {
    p.http.url = url;
    p.http.method = string_field(L, probe, "method", "GET");
    p.http.timeout = timeout;
    p.http.expect_status = static_cast<int>(number_field(L, probe, "status").value_or(0));
    p.http.body_contains = string_field(L, probe, "body_contains");
    return;
  }
  p.errors = string_field(L, probe, "on_error") == "ignore" ? hypothesis::ErrorPolicy::kIgnore
                                                             : hypothesis::ErrorPolicy::kFail;
  if (p.kind == "scrape_probe") {
    auto& c = p.scrape;
    c.url = url;
    c.what = probes::parse_scrape_computation(string_field(L, probe, "what"))
                 .value_or(probes::ScrapeComputation::kGauge);
    c.metric = string_field(L, probe, "metric");
    c.selector = string_field(L, probe, "selector");
    c.quantile = number_field(L, probe, "quantile").value_or(0.99);
    c.window = duration_field(L, probe, "over", std::chrono::seconds(30));
    c.numerator = string_field(L, probe, "numerator");
    c.denominator = string_field(L, probe, "denominator");
    c.timeout = timeout;
    c.unit = string_field(L, probe, "unit");
  } else {
    auto& c = p.prometheus;
    c.url = url;
    c.query = string_field(L, probe, "query");
    c.range = duration_field(L, probe, "range", std::chrono::microseconds(0));
    c.step = duration_field(L, probe, "step", std::chrono::microseconds(0));
    c.reduce = probes::parse_range_reduce(string_field(L, probe, "reduce", "last"))
                   .value_or(probes::RangeReduce::kLast);
    c.timeout = timeout;
    c.unit = string_field(L, probe, "unit");
  }
}

ProbeSpec read_probe(lua_State* L, int probe) {
  ProbeSpec p;
  p.name = string_field(L, probe, "name");
  p.kind = string_field(L, probe, "kind", "http_probe");
  read_kind_config(L, probe, p);
  p.every = duration_field(L, probe, "every", std::chrono::milliseconds(250));
  p.min_samples = static_cast<size_t>(number_field(L, probe, "min_samples").value_or(10));
  lua_getfield(L, probe, "during");
  p.during = lua_toboolean(L, -1);
  lua_pop(L, 1);
  p.window = duration_field(L, probe, "window", std::chrono::seconds(2));
  p.predicate = static_cast<int>(number_field(L, probe, "predicate").value_or(0));
  p.expect = read_expectations(L, probe);
  p.where = string_field(L, probe, "where");
  return p;
}

}  // namespace

Result<std::unique_ptr<ExperimentScript>> ExperimentScript::load(const std::string& source,
                                                                 const std::string& path,
                                                                 ScriptHost& host, Clock& clock,
                                                                 SandboxLimits limits) {
  std::unique_ptr<ExperimentScript> script(new ExperimentScript());
  auto sandbox = LuaSandbox::create(clock, limits);
  if (!sandbox) return sandbox.status();
  script->sandbox_ = std::move(sandbox.value());
  script->sandbox_->bookkeeping().host = &host;
  lua_State* L = script->sandbox_->state();

  if (luaL_loadbufferx(L, kPreludeSource, std::strlen(kPreludeSource), "=chaos", "t") != LUA_OK) {
    return Status::failed(std::string("internal error in the experiment API: ") +
                          lua_tostring(L, -1));
  }
  push_host_functions(L);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    return Status::failed(std::string("internal error in the experiment API: ") +
                          lua_tostring(L, -1));
  }
  script->sandbox_->lock_globals();

  // "t": text only. A precompiled chunk could bypass every check the parser makes.
  const std::string chunk_name = "@" + path;
  if (luaL_loadbufferx(L, source.data(), source.size(), chunk_name.c_str(), "t") != LUA_OK) {
    std::string msg = lua_tostring(L, -1);
    lua_pop(L, 1);
    return Status::invalid_argument(msg);
  }
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
  script->sandbox_->bookkeeping().sleep_allowed = true;
  return script;
}

Status ExperimentScript::read_definition() {
  lua_State* L = sandbox_->state();
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

  lua_getfield(L, def, "proxies");
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TTABLE) {
      const int proxy = lua_gettop(L);
      e.proxies.push_back(ProxySpec{lua_tostring(L, -2), string_field(L, proxy, "listen"),
                                    string_field(L, proxy, "upstream")});
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);

  for (const char* field : {"steady_state", "guardrails"}) {
    lua_getfield(L, def, field);
    const int probes = lua_gettop(L);
    for (lua_Integer i = 1; lua_rawgeti(L, probes, i) == LUA_TTABLE; ++i) {
      e.probes.push_back(read_probe(L, lua_gettop(L)));
      e.probes.back().guardrail = std::strcmp(field, "guardrails") == 0;
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }

  for (auto [field, key, target] :
       {std::tuple{"baseline", "timeout", &e.baseline_timeout},
        std::tuple{"recovery", "within", &e.recovery_within}}) {
    lua_getfield(L, def, field);
    if (lua_type(L, -1) == LUA_TTABLE) *target = duration_field(L, lua_gettop(L), key, *target);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);  // the definition
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
  push_numbers(L, window);
  push_numbers(L, baseline);
  lua_setfield(L, -2, "baseline");
  lua_setfield(L, LUA_REGISTRYINDEX, kWindowKey);
  lua_rawgeti(L, LUA_REGISTRYINDEX, predicate);
  LuaCoroutine call(*sandbox_);
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
  lua_getfield(L, LUA_REGISTRYINDEX, kEntryPointsKey);
  lua_getfield(L, -1, name);
  lua_remove(L, -2);
  return std::make_unique<LuaCoroutine>(*sandbox_);
}

}  // namespace chaos::engine
