#pragma once
// JSON pointers as used by local $ref ("#/definitions/delay"), internal to chaos_schema.

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace chaos::schema::detail {

// One pointer token with '~' and '/' escaped as ~0 and ~1.
std::string escape_pointer_token(std::string_view token);

// The tokens of a local reference: "#" -> {}, "#/definitions/a~1b" -> {"definitions", "a/b"}.
// The fragment is URI-decoded first ("%25" -> "%"). Fails, saying why, for a remote reference,
// a plain-name fragment ("#foo", which needs $id) or bad escapes.
Result<std::vector<std::string>> decode_local_ref(std::string_view ref);

}  // namespace chaos::schema::detail
