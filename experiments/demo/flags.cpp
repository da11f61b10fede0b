#include "flags.h"

#include <cassert>

namespace chaos::demo {

void Flags::declare(const std::string& name, std::string default_value, std::string description) {
  assert(!flags_.contains(name) && "flag declared twice");
  flags_[name] = Flag{default_value, default_value, std::move(description)};
  order_.push_back(name);
}

Status Flags::parse(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      return Status::invalid_argument("unexpected argument '" + arg + "' (flags start with --)");
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) return Status::invalid_argument("unknown flag --" + name);
    if (!has_value) {
      if (i + 1 >= argc) return Status::invalid_argument("flag --" + name + " needs a value");
      value = argv[++i];
    }
    it->second.value = std::move(value);
  }
  return Status::ok();
}

const std::string& Flags::get(const std::string& name) const {
  auto it = flags_.find(name);
  assert(it != flags_.end() && "flag not declared");
  return it->second.value;
}

std::string Flags::usage(const std::string& program, const std::string& summary) const {
  std::string out = "usage: " + program + " [flags]\n" + summary + "\n\nflags:\n";
  for (const auto& name : order_) {
    const Flag& flag = flags_.at(name);
    out += "  --" + name + " (default \"" + flag.default_value + "\")\n      " + flag.description +
           "\n";
  }
  return out;
}

}  // namespace chaos::demo
