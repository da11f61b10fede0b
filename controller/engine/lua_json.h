#pragma once
// Converting Lua values to JSON, the form in which parameters cross into plugins.
// Tables with keys 1..n become arrays, tables with string keys objects; anything else
// (functions, mixed keys, NaN) is an error naming the path, e.g. "headers.accept".

#include <string>

#include <boost/json/value.hpp>
#include <lua.hpp>

#include "common/status.h"

namespace chaos::engine {

// Uses only Lua API calls that do not raise, so it is safe to call with C++ objects alive.
Result<boost::json::value> lua_to_json(lua_State* L, int index, const std::string& path = "");

}  // namespace chaos::engine
