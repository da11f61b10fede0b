#pragma once
// Lua's errors as operators read them: "FILE:LINE: message", for every way a script can fail —
// also the ones Lua itself reports without a position (error() with nil, a table or a number;
// running out of memory; the parser's C stack overflow on deeply nested source).
//
// Nothing here allocates in Lua or raises: it is used on error paths, where the state may be
// out of memory and no protected call is active.

#include <string>
#include <string_view>

#include <lua.hpp>

#include "common/status.h"

namespace chaos::engine {

// The text of the error that ended coroutine `co` with status `rc` (its error object on top
// of its stack): "file:line: message", a newline and a traceback. `memory_limit` is the
// script's, for the out-of-memory message.
std::string describe_error(lua_State* co, int rc, size_t memory_limit);

// Compiles `source` as the text chunk "@path" and pushes it on L. On failure pushes nothing and
// returns InvalidArgument "path:LINE: message", finding the line itself when Lua gives none.
Status load_chunk(lua_State* L, std::string_view source, const std::string& path);

// Whether `message` starts with "something:LINE: ".
bool has_location(std::string_view message);

// The name of a frame's source for messages: the whole path for a file's chunk ("@path"),
// where Lua's own short_src cuts long paths to "...end/of/path.lua".
std::string source_name(const lua_Debug& ar);

// A message Lua positioned with a cut path ("...ases/x.lua:3: ...") with the whole `path`
// put back, when the path ends as the cut one does; otherwise `message` unchanged.
std::string with_full_path(std::string message, std::string_view path);

}  // namespace chaos::engine
