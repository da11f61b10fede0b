#pragma once
// Command-line flags for the demo binaries: "--name value" or "--name=value", each flag
// declared with a default and a one-line description so --help is always accurate.
// Thread-safety: plain value, no shared state.

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace chaos::demo {

class Flags {
 public:
  // Declares a flag. Declaring a name twice is a programming error (asserts).
  void declare(const std::string& name, std::string default_value, std::string description);

  // Parses argv. Unknown flags, missing values and positional arguments are errors that name
  // the offending argument. "--help" sets help_requested() instead of failing.
  Status parse(int argc, const char* const* argv);

  // REQUIRES: name was declared.
  const std::string& get(const std::string& name) const;
  bool help_requested() const { return help_requested_; }
  std::string usage(const std::string& program, const std::string& summary) const;

 private:
  struct Flag {
    std::string value;
    std::string default_value;
    std::string description;
  };
  std::map<std::string, Flag> flags_;
  std::vector<std::string> order_;  // declaration order, for usage()
  bool help_requested_ = false;
};

}  // namespace chaos::demo
