#include "engine/lua_json.h"

#include <cmath>

namespace chaos::engine {

namespace {

constexpr int kMaxDepth = 32;

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

Result<boost::json::value> convert(lua_State* L, int index, const std::string& path, int depth);

Result<boost::json::value> convert_table(lua_State* L, int index, const std::string& path,
                                         int depth) {
  if (depth > kMaxDepth) return Status::invalid_argument(path + ": nested too deeply");
  const lua_Unsigned length = lua_rawlen(L, index);
  size_t count = 0;
  bool string_keys = false, other_keys = false;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    ++count;
    if (lua_type(L, -2) == LUA_TSTRING) string_keys = true;
    else if (!lua_isinteger(L, -2)) other_keys = true;
    lua_pop(L, 1);
  }
  const bool is_array = !string_keys && !other_keys && count == length && count > 0;
  if (!is_array && (other_keys || (!string_keys && count > 0))) {
    return Status::invalid_argument((path.empty() ? "value" : path) +
                                    ": a table must be a list {a, b} or have named fields "
                                    "{name = value}, not both");
  }
  if (is_array) {
    boost::json::array out;
    for (lua_Unsigned i = 1; i <= length; ++i) {
      lua_rawgeti(L, index, static_cast<lua_Integer>(i));
      auto item = convert(L, lua_gettop(L), path + "[" + std::to_string(i) + "]", depth + 1);
      lua_pop(L, 1);
      if (!item) return item.status();
      out.push_back(std::move(item.value()));
    }
    return boost::json::value(std::move(out));
  }
  boost::json::object out;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    size_t len = 0;
    const char* key = lua_tolstring(L, -2, &len);  // a string key: no in-place conversion
    std::string name(key, len);
    auto item = convert(L, lua_gettop(L), join(path, name), depth + 1);
    lua_pop(L, 1);
    if (!item) {
      lua_pop(L, 1);  // the key
      return item.status();
    }
    out[name] = std::move(item.value());
  }
  return boost::json::value(std::move(out));
}

Result<boost::json::value> convert(lua_State* L, int index, const std::string& path, int depth) {
  switch (lua_type(L, index)) {
    case LUA_TNIL:
      return boost::json::value(nullptr);
    case LUA_TBOOLEAN:
      return boost::json::value(static_cast<bool>(lua_toboolean(L, index)));
    case LUA_TNUMBER: {
      if (lua_isinteger(L, index)) return boost::json::value(lua_tointeger(L, index));
      const double d = lua_tonumber(L, index);
      if (!std::isfinite(d)) return Status::invalid_argument(path + ": not a finite number");
      return boost::json::value(d);
    }
    case LUA_TSTRING: {
      size_t len = 0;
      const char* s = lua_tolstring(L, index, &len);
      return boost::json::value(boost::json::string(s, len));
    }
    case LUA_TTABLE:
      return convert_table(L, index, path, depth);
    default:
      return Status::invalid_argument((path.empty() ? "value" : path) + ": a " +
                                      lua_typename(L, lua_type(L, index)) +
                                      " cannot be a parameter (use strings, numbers, booleans "
                                      "and tables)");
  }
}

}  // namespace

Result<boost::json::value> lua_to_json(lua_State* L, int index, const std::string& path) {
  return convert(L, lua_absindex(L, index), path, 0);
}

}  // namespace chaos::engine
