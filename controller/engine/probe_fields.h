#pragma once
// Reading a probe kind's fields out of the JSON object a script gave, with the experiment
// API's error messages (they name the field). Absent fields keep the value passed in.
//
// Thread-safety: pure functions.

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace chaos::engine::fields {

// The Lua type name of what the script gave ("string", "number", "boolean", "table").
std::string lua_type_of(const boost::json::value& value);

// 'url' is required and must start with http:// or https://
Result<std::string> url(const boost::json::object& fields, const char* key);
// A duration like "250ms"; `fallback` when absent.
Result<std::chrono::microseconds> duration(const boost::json::object& fields, const char* key,
                                           std::chrono::microseconds fallback);
// Any string; `fallback` when absent; `what` says what was expected.
Result<std::string> string(const boost::json::object& fields, const char* key,
                           std::string fallback, const std::string& what);
// "fail" (the default) or "ignore".
Result<bool> ignore_errors(const boost::json::object& fields);
// The number at `key`, if there is one (integers too); nullopt when absent or not a number.
std::optional<double> number(const boost::json::object& fields, const char* key);

}  // namespace chaos::engine::fields
