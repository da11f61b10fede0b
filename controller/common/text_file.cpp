#include "common/text_file.h"

#include <fstream>
#include <sstream>

namespace chaos {

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot read " + path + ": no such file or not readable");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace chaos
