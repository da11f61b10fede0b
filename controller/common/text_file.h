#pragma once
// Reads a whole file (an experiment's source) into a string. NotFound names the path.

#include <string>

#include "common/status.h"

namespace chaos {

Result<std::string> read_text_file(const std::string& path);

}  // namespace chaos
