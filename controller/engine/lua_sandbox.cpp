#include "engine/lua_sandbox.h"

#include <cstdlib>
#include <cstring>

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
  if (new_size > old_block && st->memory_used - old_block + new_size > st->limits.memory_bytes) {
    return nullptr;  // Lua reports "not enough memory", which becomes the run's error
  }
  void* p = std::realloc(ptr, new_size);
  if (p) st->memory_used = st->memory_used - old_block + new_size;
  return p;
}

// Stops a script that ran past its slice budget. Yielding (rather than raising an error)
// means no pcall inside the script can catch it; the host then abandons the coroutine.
void budget_hook(lua_State* L, lua_Debug* ar) {
  SandboxState& st = sandbox_state(L);
  if (st.clock->now() - st.slice_started < st.limits.slice_budget) return;
  st.budget_exceeded = true;
  lua_Debug where;
  if (lua_getstack(L, 0, &where) && lua_getinfo(L, "Sl", &where) && where.currentline > 0) {
    st.budget_where = std::string(where.short_src) + ":" + std::to_string(where.currentline);
  }
  lua_yield(L, 0);
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
  thread_ = lua_newthread(L);  // stack: fn, thread
  lua_rotate(L, -2, 1);        // stack: thread, fn
  lua_xmove(L, thread_, 1);    // fn moves to the coroutine; stack: thread
  ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_sethook(thread_, budget_hook, LUA_MASKCOUNT, kHookEveryInstructions);
}

LuaCoroutine::~LuaCoroutine() {
  if (ref_ != LUA_NOREF) luaL_unref(sandbox_.state(), LUA_REGISTRYINDEX, ref_);
}

LuaCoroutine::Step LuaCoroutine::resume() {
  SandboxState& st = sandbox_.bookkeeping();
  st.slice_started = st.clock->now();
  int nresults = 0;
  const int rc = lua_resume(thread_, sandbox_.state(), 0, &nresults);
  if (rc == LUA_YIELD) {
    lua_pop(thread_, nresults);
    if (!st.budget_exceeded) return Step::kYielded;
    error_ = (st.budget_where.empty() ? std::string("script") : st.budget_where) +
             ": stopped: ran for more than " +
             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                st.limits.slice_budget)
                                .count()) +
             " ms without yielding (an endless loop? use chaos.sleep to wait)";
    return Step::kFailed;
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
  const char* msg = lua_tostring(thread_, -1);
  luaL_traceback(sandbox_.state(), thread_, msg ? msg : "(error object is not a string)", 0);
  error_ = lua_tostring(sandbox_.state(), -1);
  lua_pop(sandbox_.state(), 1);
  return Step::kFailed;
}

}  // namespace chaos::engine
