#pragma once
#include <string>
#include <string_view>

namespace chaos {
// Lower-case hex SHA-256 of `data` (the experiment source's fingerprint in the store).
std::string sha256_hex(std::string_view data);
}  // namespace chaos
