#pragma once
// ProbeKind: one kind of probe an experiment can declare — `http_probe "name" { ... }` — with
// its own fields (besides the common every, min_samples, expect, during, window), how they are
// checked, how a probe is made from them and how it is described. The experiment API builds
// one constructor per registered kind, so a new kind is its probes/ files plus one entry in
// engine/probe_kinds.cpp.
//
// The kind's fields arrive as the JSON object the script gave (absent fields absent).
//
// Thread-safety: kinds are immutable; a registry is immutable once built.

#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/experiment_defaults.h"
#include "hypothesis/tolerance.h"
#include "probes/probe.h"

namespace chaos::engine {

class ProbeKind {
 public:
  explicit ProbeKind(std::string name) : name_(std::move(name)) {}
  virtual ~ProbeKind() = default;

  const std::string& name() const { return name_; }
  // The kind's own fields, in the order an "unknown field" error lists them.
  virtual std::vector<std::string> fields() const = 0;
  virtual std::chrono::microseconds default_every() const { return defaults::kProbeEvery; }

  // Checks the fields; the error names the field (the caller adds the probe's name and line).
  virtual Status check(const boost::json::object& fields) const = 0;
  // REQUIRES: check(fields) is ok. Errors are the probe's own (e.g. a selector that does not
  // parse).
  virtual Result<std::unique_ptr<probes::Probe>> make(const boost::json::object& fields) const = 0;
  // How failed readings count in its windows.
  virtual hypothesis::ErrorPolicy errors(const boost::json::object& fields) const = 0;
  // One line for people: what the probe reads, e.g. "GET http://127.0.0.1:18080/checkout".
  virtual std::string describe(const boost::json::object& fields) const = 0;

 private:
  std::string name_;
};

class ProbeKindRegistry {
 public:
  // The kinds chaosctl ships (engine/probe_kinds.cpp).
  static const ProbeKindRegistry& builtin();
  // A registry starting with the built-in kinds, for callers (tests) that add their own.
  static ProbeKindRegistry with_builtins();

  // Failed when a kind of that name is registered already.
  Status add(std::unique_ptr<ProbeKind> kind);
  const ProbeKind* find(const std::string& name) const;  // nullptr when unknown
  const std::vector<std::shared_ptr<const ProbeKind>>& kinds() const { return kinds_; }

 private:
  std::vector<std::shared_ptr<const ProbeKind>> kinds_;  // shared: with_builtins() copies
};

}  // namespace chaos::engine
