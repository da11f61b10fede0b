#include "engine/lua_errors.h"

#include <cstdio>

namespace chaos::engine {

namespace {

// "file:line" of the innermost frame of the experiment file itself (chunks named "@path"),
// skipping the experiment API's own frames; "" when there is none. Like everything used on
// the error path, it allocates nothing in Lua: the state may be out of memory.
std::string user_location(lua_State* co, std::string* path = nullptr) {
  lua_Debug ar;
  for (int level = 0; lua_getstack(co, level, &ar); ++level) {
    if (lua_getinfo(co, "Sl", &ar) && ar.currentline > 0 && ar.source && ar.source[0] == '@') {
      if (path) *path = source_name(ar);
      return source_name(ar) + ":" + std::to_string(ar.currentline);
    }
  }
  return "";
}

std::string traceback(lua_State* co) {
  std::string out = "stack traceback:";
  lua_Debug ar;
  for (int level = 0; lua_getstack(co, level, &ar); ++level) {
    if (!lua_getinfo(co, "Sln", &ar)) continue;
    out += "\n\t" + source_name(ar);
    if (ar.currentline > 0) out += ":" + std::to_string(ar.currentline);
    out += ": in ";
    if (ar.name) {
      out += std::string("function '") + ar.name + "'";
    } else if (*ar.what == 'm') {
      out += "the file's top level";
    } else if (*ar.what == 'C') {
      out += "a C function";
    } else {
      out += "a function defined at line " + std::to_string(ar.linedefined);
    }
  }
  return out;
}

std::string number_text(lua_State* L, int index) {
  if (lua_isinteger(L, index)) return std::to_string(lua_tointeger(L, index));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14g", lua_tonumber(L, index));
  return buf;
}

// The first `lines` lines of `source`.
std::string_view first_lines(std::string_view source, size_t lines) {
  size_t end = 0;
  for (size_t i = 0; i < lines; ++i) {
    const size_t newline = source.find('\n', end);
    if (newline == std::string_view::npos) return source;
    end = newline + 1;
  }
  return source.substr(0, end);
}

// Loads a chunk; returns its error message ("" when it compiles). Pops what it pushed.
std::string try_load(lua_State* L, std::string_view source, const std::string& chunk) {
  if (luaL_loadbufferx(L, source.data(), source.size(), chunk.c_str(), "t") == LUA_OK) {
    lua_pop(L, 1);
    return "";
  }
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  std::string message = text ? std::string(text, len) : std::string("cannot compile");
  lua_pop(L, 1);
  return message;
}

}  // namespace

std::string source_name(const lua_Debug& ar) {
  if (ar.source && ar.source[0] == '@') return std::string(ar.source + 1);
  return std::string(ar.short_src);
}

std::string with_full_path(std::string message, std::string_view path) {
  if (message.rfind("...", 0) != 0 || !has_location(message)) return message;
  const size_t line_colon = message.rfind(':', message.find(": ") - 1);
  const std::string_view cut = std::string_view(message).substr(3, line_colon - 3);
  if (path.size() < cut.size() || path.substr(path.size() - cut.size()) != cut) return message;
  return std::string(path) + message.substr(line_colon);
}

bool has_location(std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return false;
  const size_t before = message.rfind(':', colon - 1);
  if (before == std::string_view::npos || before + 1 >= colon) return false;
  return message.find_first_not_of("0123456789", before + 1) == colon;
}

// The text of an error that ended a coroutine: "file:line: message" and a traceback, for any
// error object (nil, a table, a number) and for out-of-memory.
std::string describe_error(lua_State* co, int rc, size_t memory_limit) {
  std::string message;
  const int type = lua_type(co, -1);
  if (rc == LUA_ERRMEM) {
    message = "not enough memory (an experiment may use up to " +
              std::to_string(memory_limit >> 20) + " MB)";
  } else if (type == LUA_TSTRING) {
    size_t len = 0;
    const char* text = lua_tolstring(co, -1, &len);
    message.assign(text, len);
  } else if (type == LUA_TNUMBER) {
    message = "error raised with a number (" + number_text(co, -1) + "), not a message";
  } else if (type == LUA_TNIL) {
    message = "error raised without a message (error() or error(nil))";
  } else {
    message = std::string("error raised with a ") + lua_typename(co, type) +
              ", not a message (give error() a string)";
  }
  std::string path;
  const std::string where = user_location(co, &path);
  if (!has_location(message)) {
    if (!where.empty()) message = where + ": " + message;
  } else if (!path.empty()) {
    message = with_full_path(std::move(message), path);
  }
  return message + "\n" + traceback(co);
}

Status load_chunk(lua_State* L, std::string_view source, const std::string& path) {
  const std::string chunk = "@" + path;
  // "t": text only. A precompiled chunk could bypass every check the parser makes.
  if (luaL_loadbufferx(L, source.data(), source.size(), chunk.c_str(), "t") == LUA_OK) {
    return Status::ok();
  }
  size_t len = 0;
  const char* text = lua_tolstring(L, -1, &len);
  const std::string message = text ? std::string(text, len) : std::string("cannot compile");
  lua_pop(L, 1);
  if (has_location(message)) return Status::invalid_argument(with_full_path(message, path));
  // Lua gives no line for some errors (the parser's "C stack overflow" on nesting too deep).
  // The line is the first one whose prefix of the file already fails the same way: a shorter
  // prefix ends before the problem, so it compiles or fails with a located syntax error.
  size_t lines = 1;
  for (const char c : source) lines += c == '\n';
  size_t lo = 1, hi = lines;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (try_load(L, first_lines(source, mid), chunk) == message) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  std::string explained = message;
  if (message.find("C stack overflow") != std::string::npos) {
    explained = "the file nests too deeply for Lua's parser (about 200 levels of brackets, "
                "tables, functions or blocks inside each other; " + message + ")";
  }
  return Status::invalid_argument(path + ":" + std::to_string(lo) + ": " + explained);
}

}  // namespace chaos::engine
