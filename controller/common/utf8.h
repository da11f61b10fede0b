#pragma once
// UTF-8 checks for text that reaches JSON. Lua strings and HTTP bodies are bytes; JSON is
// UTF-8, and an invalid byte in a stored reason made `runs --json`, `show --json` and the API
// answer documents strict parsers refuse. Input is refused naming the field (first_invalid_utf8);
// text already stored is shown with U+FFFD in place of each bad byte (valid_utf8).
//
// Thread-safety: pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace chaos {

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (overlong
// forms, surrogates and code points past U+10FFFF included), or nullopt when `text` is valid.
std::optional<size_t> first_invalid_utf8(std::string_view text);

// `text` with every byte that is not part of a well-formed sequence replaced by U+FFFD.
// Valid text comes back unchanged.
std::string valid_utf8(std::string_view text);

}  // namespace chaos
