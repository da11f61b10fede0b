#include "engine/lua_sandbox.h"

#include <cstdlib>
#include <cstring>

#include "engine/lua_errors.h"

namespace chaos::engine {

namespace {

constexpr int kHookEveryInstructions = 1000;

void* limited_alloc(void* ud, void* ptr, size_t old_size, size_t new_size) {
  auto* st = static_cast<SandboxState*>(ud);
  const size_t old_block = ptr ? old_size : 0;
  if (new_size == 0) {
    std::free(ptr);
    st->memory_used -= old_block;
    return nullptr;
  }
  if (new_size > old_block && st->host_sections == 0 &&
      st->memory_used - old_block + new_size > st->limits.memory_bytes) {
    return nullptr;  // Lua reports "not enough memory", which becomes the run's error
  }
  void* p = std::realloc(ptr, new_size);
  if (p) st->memory_used = st->memory_used - old_block + new_size;
  return p;
}

std::string budget_message(const SandboxState& st) {
  const auto ms = [](std::chrono::microseconds d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
  };
  const std::string where = st.budget_where.empty() ? std::string("script") : st.budget_where;
  if (st.total_exceeded) {
    return where + ": stopped: evaluating the file took more than " +
           ms(st.limits.total_budget) + " ms";
  }
  return where + ": stopped: ran for more than " + ms(st.limits.slice_budget) +
         " ms without yielding (an endless loop? use chaos.sleep to wait)";
}

// Stops a script that ran past its budget, the way Redis and HAProxy do. The first time, it
// records where, and from then on the hook runs at every instruction. Where the script can
// yield, the hook yields, which no pcall can catch; the host then abandons the coroutine. Inside
// a call from C (a table.sort comparator, a string.gsub callback, a __tostring metamethod) a
// yield is not possible, so it raises an error instead; a pcall around the C call may catch
// that, but the very next instruction of the script meets the hook again, until the script is
// back where it can yield.
void budget_hook(lua_State* L, lua_Debug* ar) {
  SandboxState& st = sandbox_state(L);
  if (!st.budget_exceeded) {
    const SteadyTime now = st.clock->now();
    const bool slice_over = now - st.slice_started >= st.limits.slice_budget;
    const bool total_over = st.limits.total_budget.count() > 0 &&
                            now - st.created >= st.limits.total_budget;
    if (!slice_over && !total_over) return;
    st.budget_exceeded = true;
    st.total_exceeded = total_over && !slice_over;
    lua_Debug where;
    if (lua_getstack(L, 0, &where) && lua_getinfo(L, "Sl", &where) && where.currentline > 0) {
      st.budget_where = source_name(where) + ":" + std::to_string(where.currentline);
    }
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
  }
  if (lua_isyieldable(L)) {
    lua_yield(L, 0);
    return;
  }
  // The message lives in the state, so no C++ object is skipped by lua_error's longjmp.
  st.budget_message = budget_message(st);
  lua_pushlstring(L, st.budget_message.data(), st.budget_message.size());
  lua_error(L);
}

int strict_index(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "undefined global '%s' (misspelt, or a missing 'local'?)",
                    name ? name : "?");
}

int strict_newindex(lua_State* L) {
  const char* name = lua_tostring(L, 2);
  return luaL_error(L, "assignment to undeclared global '%s' (declare it with 'local')",
                    name ? name : "?");
}

void remove_global(lua_State* L, const char* name) {
  lua_pushnil(L);
  lua_setglobal(L, name);
}

// Keeps only the harmless parts of `os`.
void restrict_os(lua_State* L) {
  lua_getglobal(L, "os");
  lua_newtable(L);
  for (const char* keep : {"time", "clock", "date", "difftime"}) {
    lua_getfield(L, -2, keep);
    lua_setfield(L, -2, keep);
  }
  lua_setglobal(L, "os");
  lua_pop(L, 1);
}

// setmetatable that refuses __gc: Lua runs finalizers with hooks off, so an endless loop in
// one would escape the CPU budget (and hang lua_close at the end of the run).
int guarded_setmetatable(lua_State* L) {
  lua_settop(L, 2);
  bool has_gc = false;
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    has_gc = lua_rawget(L, 2) != LUA_TNIL;  // raw, as Lua itself looks for __gc
    lua_pop(L, 1);
  }
  if (has_gc) {
    return luaL_error(L, "setmetatable: __gc metamethods are not allowed in experiments "
                         "(they would run outside the CPU budget)");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

// xpcall's message handler runs before the stack unwinds. For the error the budget hook
// raises, that is inside the hook, where Lua calls no hooks: a handler that loops would never
// be stopped. So once the script is being stopped, the error passes the handler by.
int guarded_message_handler(lua_State* L) {
  if (sandbox_state(L).budget_exceeded) return 1;  // the error object, as it is
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int xpcall_results(lua_State* L, int, lua_KContext) { return lua_gettop(L); }

// Yieldable like xpcall itself (chaos.sleep may wait inside it): the call has a continuation.
int guarded_xpcall(lua_State* L) {
  luaL_checktype(L, 2, LUA_TFUNCTION);  // the handler, as xpcall itself requires
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, guarded_message_handler, 1);
  lua_replace(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_callk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, xpcall_results);
  return lua_gettop(L);
}

void wrap_global(lua_State* L, const char* name, lua_CFunction wrapper) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, wrapper, 1);
  lua_setglobal(L, name);
}

}  // namespace

SandboxState& sandbox_state(lua_State* L) {
  return **static_cast<SandboxState**>(lua_getextraspace(L));
}

Result<std::unique_ptr<LuaSandbox>> LuaSandbox::create(Clock& clock, SandboxLimits limits) {
  std::unique_ptr<LuaSandbox> box(new LuaSandbox());
  box->state_ = std::make_unique<SandboxState>();
  box->state_->clock = &clock;
  box->state_->limits = limits;
  box->L_ = lua_newstate(limited_alloc, box->state_.get());
  if (!box->L_) return Status::failed("cannot create a Lua state (out of memory)");
  lua_State* L = box->L_;
  *static_cast<SandboxState**>(lua_getextraspace(L)) = box->state_.get();

  luaL_openlibs(L);
  for (const char* name : {"io", "load", "loadfile", "dofile", "require", "package", "debug",
                           "collectgarbage", "coroutine"}) {
    remove_global(L, name);
  }
  restrict_os(L);
  wrap_global(L, "setmetatable", guarded_setmetatable);
  wrap_global(L, "xpcall", guarded_xpcall);
  box->state_->created = clock.now();
  return box;
}

LuaSandbox::~LuaSandbox() {
  if (L_) lua_close(L_);
}

void LuaSandbox::lock_globals() {
  lua_pushglobaltable(L_);
  lua_newtable(L_);
  lua_pushcfunction(L_, strict_index);
  lua_setfield(L_, -2, "__index");
  lua_pushcfunction(L_, strict_newindex);
  lua_setfield(L_, -2, "__newindex");
  lua_setmetatable(L_, -2);
  lua_pop(L_, 1);
}

LuaCoroutine::LuaCoroutine(LuaSandbox& sandbox) : sandbox_(sandbox) {
  lua_State* L = sandbox.state();
  HostSection host(L);
  thread_ = lua_newthread(L);  // stack: fn, thread
  lua_rotate(L, -2, 1);        // stack: thread, fn
  lua_xmove(L, thread_, 1);    // fn moves to the coroutine; stack: thread
  ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_sethook(thread_, budget_hook, LUA_MASKCOUNT, kHookEveryInstructions);
}

LuaCoroutine::~LuaCoroutine() {
  HostSection host(sandbox_.state());
  if (ref_ != LUA_NOREF) luaL_unref(sandbox_.state(), LUA_REGISTRYINDEX, ref_);
}

LuaCoroutine::Step LuaCoroutine::resume() {
  SandboxState& st = sandbox_.bookkeeping();
  st.slice_started = st.clock->now();
  st.budget_exceeded = false;  // each slice has its own budget (the total one is rechecked)
  st.total_exceeded = false;
  st.budget_where.clear();
  int nresults = 0;
  const int rc = lua_resume(thread_, sandbox_.state(), 0, &nresults);
  if (st.budget_exceeded) {
    // Stopped by the hook: by a yield, or by its error reaching the top of the coroutine.
    lua_settop(thread_, 0);
    error_ = budget_message(st);
    return Step::kFailed;
  }
  if (rc == LUA_YIELD) {
    lua_pop(thread_, nresults);
    return Step::kYielded;
  }
  if (rc == LUA_OK) {
    returned_truthy_ = nresults > 0 && lua_toboolean(thread_, -nresults);
    returned_text_.clear();
    if (nresults > 1 && lua_type(thread_, -nresults + 1) == LUA_TSTRING) {
      returned_text_ = lua_tostring(thread_, -nresults + 1);
    }
    lua_pop(thread_, nresults);
    return Step::kFinished;
  }
  error_ = describe_error(thread_, rc, st.limits.memory_bytes);
  return Step::kFailed;
}

}  // namespace chaos::engine
