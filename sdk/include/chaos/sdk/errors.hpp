// chaos/sdk/errors.hpp — what plugin code throws; the CHAOS_PLUGIN trampolines turn each into a
// chaos_status and a message (see chaos/plugin.hpp). Part of the header-only C++17 wrapper.
#pragma once

#include <stdexcept>
#include <string>

namespace chaos::sdk {

// Errors thrown by plugin code; the trampolines map them to chaos_status.

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A parameter is wrong. The message is "<field>: <problem>" so the operator sees which one.
class InvalidParams : public Error {
 public:
  InvalidParams(const std::string& field, const std::string& problem)
      : Error(field.empty() ? problem : field + ": " + problem), field_(field) {}
  const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

class StateError : public Error {
 public:
  using Error::Error;
};

class Unsupported : public Error {
 public:
  using Error::Error;
};

}  // namespace chaos::sdk
