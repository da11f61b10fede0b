#include "engine/lua_json.h"

#include <cmath>
#include <vector>

#include "common/utf8.h"

namespace chaos::engine {

namespace {

// Tables inside tables. Real parameters nest three or four deep; the limit keeps the C stack
// and the Lua stack (which this walk grows itself, with lua_checkstack) bounded.
constexpr int kMaxDepth = 20;
// Values in one conversion. A table may hold the same sub-table under many keys, so without a
// bound a few lines of Lua describe a tree of billions of values (and C code has no CPU budget).
constexpr size_t kMaxValues = 100000;
// Lua stack slots one table level uses: the table, a key and a value, and one spare.
constexpr int kSlotsPerLevel = 4;

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string shown(const std::string& path) { return path.empty() ? "the parameters" : path; }

// The parameter a deep path starts from: "seed" for "seed.a.b[3]".
std::string top_of(const std::string& path) { return path.substr(0, path.find_first_of(".[")); }

// One conversion. Uses only Lua API calls that cannot raise: lua_next is only given keys it
// returned itself, and keys are read with lua_tolstring only when they are strings (a number
// key would be converted in place, and lua_next would then fail with "invalid key to 'next'").
class Converter {
 public:
  explicit Converter(lua_State* L) : L_(L) {}

  Result<boost::json::value> convert(int index, const std::string& path) {
    if (++values_ > kMaxValues) {
      return Status::invalid_argument(shown(top_of(path)) + ": too large (more than " +
                                      std::to_string(kMaxValues) + " values)");
    }
    switch (lua_type(L_, index)) {
      case LUA_TNIL:
        return boost::json::value(nullptr);
      case LUA_TBOOLEAN:
        return boost::json::value(static_cast<bool>(lua_toboolean(L_, index)));
      case LUA_TNUMBER: {
        if (lua_isinteger(L_, index)) return boost::json::value(lua_tointeger(L_, index));
        const double d = lua_tonumber(L_, index);
        if (!std::isfinite(d)) return Status::invalid_argument(path + ": not a finite number");
        return boost::json::value(d);
      }
      case LUA_TSTRING: {
        size_t len = 0;
        const char* s = lua_tolstring(L_, index, &len);
        // JSON is UTF-8: a plugin would refuse the bytes with a parse error naming nothing.
        if (auto bad = first_invalid_utf8(std::string_view(s, len))) {
          return Status::invalid_argument(shown(path) + ": not UTF-8 text (byte " +
                                          std::to_string(*bad + 1) + " of " + std::to_string(len) +
                                          " is not)");
        }
        return boost::json::value(boost::json::string(s, len));
      }
      case LUA_TTABLE:
        return convert_table(index, path);
      default:
        return Status::invalid_argument(shown(path) + ": a " +
                                        lua_typename(L_, lua_type(L_, index)) +
                                        " cannot be a parameter (use strings, numbers, booleans "
                                        "and tables)");
    }
  }

 private:
  struct Open {
    const void* table;
    std::string path;
  };

  Result<boost::json::value> convert_table(int index, const std::string& path) {
    const void* self = lua_topointer(L_, index);
    for (const Open& o : open_) {
      if (o.table == self) {
        return Status::invalid_argument(shown(o.path) + ": refers to itself (through " +
                                        shown(path) + ")");
      }
    }
    if (static_cast<int>(open_.size()) >= kMaxDepth || !lua_checkstack(L_, kSlotsPerLevel)) {
      return Status::invalid_argument(shown(top_of(path)) + ": nested too deeply (more than " +
                                      std::to_string(kMaxDepth) + " tables inside each other)");
    }
    open_.push_back(Open{self, path});
    Result<boost::json::value> out = Status::invalid_argument(
        shown(path) +
        ": a table must be a list {a, b} or have named fields {name = value}, "
        "not both");
    switch (shape_of(index)) {
      case Shape::kList:
        out = convert_list(index, path);
        break;
      case Shape::kFields:
        out = convert_fields(index, path);
        break;
      case Shape::kMixed:
        break;
    }
    open_.pop_back();
    return out;
  }

  enum class Shape { kList, kFields, kMixed };

  // A list has exactly the keys 1..n; named fields are all strings; the empty table is {}.
  Shape shape_of(int index) {
    const lua_Unsigned length = lua_rawlen(L_, index);
    size_t count = 0;
    bool strings = false, in_list = false, other = false;
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      ++count;
      if (lua_type(L_, -2) == LUA_TSTRING) {
        strings = true;
      } else if (lua_isinteger(L_, -2) && lua_tointeger(L_, -2) >= 1 &&
                 static_cast<lua_Unsigned>(lua_tointeger(L_, -2)) <= length) {
        in_list = true;
      } else {
        other = true;
      }
      lua_pop(L_, 1);
    }
    if (other || (strings && in_list)) return Shape::kMixed;
    if (in_list) return count == length ? Shape::kList : Shape::kMixed;
    return Shape::kFields;
  }

  Result<boost::json::value> convert_list(int index, const std::string& path) {
    boost::json::array out;
    const lua_Unsigned length = lua_rawlen(L_, index);
    for (lua_Unsigned i = 1; i <= length; ++i) {
      lua_rawgeti(L_, index, static_cast<lua_Integer>(i));
      auto item = convert(lua_gettop(L_), path + "[" + std::to_string(i) + "]");
      lua_pop(L_, 1);
      if (!item) return item.status();
      out.push_back(std::move(item.value()));
    }
    return boost::json::value(std::move(out));
  }

  Result<boost::json::value> convert_fields(int index, const std::string& path) {
    boost::json::object out;
    lua_pushnil(L_);
    while (lua_next(L_, index) != 0) {
      size_t len = 0;
      const char* key = lua_tolstring(L_, -2, &len);  // a string (shape_of checked)
      std::string name(key, len);
      if (first_invalid_utf8(name)) {
        lua_pop(L_, 2);  // the value and the key
        return Status::invalid_argument(join(path, valid_utf8(name)) +
                                        ": the field's name is not UTF-8 text");
      }
      auto item = convert(lua_gettop(L_), join(path, name));
      lua_pop(L_, 1);
      if (!item) {
        lua_pop(L_, 1);  // the key
        return item.status();
      }
      out[name] = std::move(item.value());
    }
    return boost::json::value(std::move(out));
  }

  lua_State* L_;
  std::vector<Open> open_;  // the tables being converted, outermost first
  size_t values_ = 0;
};

}  // namespace

Result<boost::json::value> lua_to_json(lua_State* L, int index, const std::string& path) {
  return Converter(L).convert(lua_absindex(L, index), path);
}

}  // namespace chaos::engine
