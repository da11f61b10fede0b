#pragma once
// The bearer token that every state-changing request (start, abort, halt) must carry.
//
// Precedence: an explicit token (--token or CHAOS_TOKEN), else the token file next to the
// database (`<db>.token`), created on first start with 32 random bytes in hex and mode 0600.
// A token file that others can read is refused rather than used.

#include <string>

#include "common/status.h"

namespace chaos::server {

std::string token_path_for(const std::string& db_path);

// Returns the token to require. `given` wins when not empty (nothing is written then).
Result<std::string> load_or_create_token(const std::string& db_path, const std::string& given);

// Compares in time independent of where the strings differ.
bool token_matches(const std::string& expected, const std::string& authorization_header);

}  // namespace chaos::server
