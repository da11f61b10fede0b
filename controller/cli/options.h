#pragma once
// Command-line options shared by every command.

#include <string>
#include <vector>

#include "common/status.h"

namespace chaos::cli {

inline constexpr int kExitUsage = 64;

struct Options {
  std::string command;
  std::vector<std::string> args;
  std::string db_path = "chaos.db";
  std::vector<std::string> plugin_dirs;  // in addition to the built-in directory
  bool json = false;
  bool help = false;
  bool no_color = false;
  int limit = 50;
};

Result<Options> parse_options(int argc, char** argv);
const char* usage_text();

}  // namespace chaos::cli
