// make_probe: the checks every probe kind shares are made once, whatever the kind — `every` at
// least 10ms (issue 17.5: every = "0s" sampled back to back) — and each kind's probe refuses a
// URL with no host and a timeout under 1ms when it is made, so `validate` (the dry run) and
// `run` refuse the same files.

#include "engine/probe_factory.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

#include "engine/probe_kind.h"

namespace chaos::engine {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// Fields that make a probe of each built-in kind (the registry's kinds must all be here, so a
// new kind cannot skip these checks unnoticed).
const std::map<std::string, json::object>& good_fields() {
  static const std::map<std::string, json::object> fields = {
      {"http_probe", {{"url", "http://127.0.0.1:1/health"}}},
      {"scrape_probe", {{"url", "http://127.0.0.1:1/metrics"}, {"gauge", "up"}}},
      {"prometheus_probe", {{"url", "http://127.0.0.1:1"}, {"query", "up"}}},
  };
  return fields;
}

ProbeSpec spec_of(const ProbeKind& kind, json::object config) {
  ProbeSpec spec;
  spec.name = "p";
  spec.kind = kind.name();
  spec.type = &kind;
  spec.config = std::move(config);
  spec.every = kind.default_every();
  spec.where = "exp.lua:3";
  return spec;
}

std::string error_of(const ProbeSpec& spec) {
  auto made = make_probe(spec);
  return made ? "ok" : made.status().message();
}

TEST(MakeProbe, EveryBuiltInKindIsCovered) {
  for (const auto& kind : ProbeKindRegistry::builtin().kinds()) {
    EXPECT_TRUE(good_fields().contains(kind->name())) << kind->name();
  }
}

TEST(MakeProbe, EveryKindRefusesAnEveryUnder10ms) {
  for (const auto& kind : ProbeKindRegistry::builtin().kinds()) {
    ProbeSpec spec = spec_of(*kind, good_fields().at(kind->name()));
    EXPECT_EQ(error_of(spec), "ok") << kind->name();
    spec.every = 10ms;
    EXPECT_EQ(error_of(spec), "ok") << kind->name();
    spec.every = 9ms;
    EXPECT_EQ(error_of(spec), "exp.lua:3: " + kind->name() +
                                  " \"p\": every: '9ms' is too short; the shortest is 10ms");
    spec.every = 0us;
    EXPECT_NE(error_of(spec).find("every: '0ms' is too short"), std::string::npos) << kind->name();
  }
}

TEST(MakeProbe, EveryKindRefusesAUrlWithNoHostAndATimeoutUnder1ms) {
  for (const auto& kind : ProbeKindRegistry::builtin().kinds()) {
    json::object no_host = good_fields().at(kind->name());
    no_host["url"] = "http://";
    EXPECT_NE(error_of(spec_of(*kind, no_host)).find("url: 'http://' has no host"),
              std::string::npos)
        << kind->name();
    json::object short_timeout = good_fields().at(kind->name());
    short_timeout["timeout"] = "500us";
    EXPECT_NE(error_of(spec_of(*kind, short_timeout)).find("timeout: '500us' is too short"),
              std::string::npos)
        << kind->name();
  }
}

// A kind added to a registry (as a new built-in would be) gets the shared checks without a
// line of its own.
class ConstantProbe final : public probes::Probe {
 public:
  probes::ProbeSample sample(Clock& clock) override {
    return {.at = clock.now(), .unix_ms = clock.unix_ms(), .value = 1};
  }
  std::string unit() const override { return "x"; }
};

class ConstantKind final : public ProbeKind {
 public:
  ConstantKind() : ProbeKind("constant_probe") {}
  std::vector<std::string> fields() const override { return {}; }
  Status check(const json::object&) const override { return Status::ok(); }
  Result<std::unique_ptr<probes::Probe>> make(const json::object&) const override {
    return std::unique_ptr<probes::Probe>(std::make_unique<ConstantProbe>());
  }
  hypothesis::ErrorPolicy errors(const json::object&) const override {
    return hypothesis::ErrorPolicy::kFail;
  }
  std::string describe(const json::object&) const override { return "1"; }
};

TEST(MakeProbe, AKindOfItsOwnGetsTheEveryCheckToo) {
  ProbeKindRegistry kinds = ProbeKindRegistry::with_builtins();
  ASSERT_TRUE(kinds.add(std::make_unique<ConstantKind>()));
  const ProbeKind* kind = kinds.find("constant_probe");
  ASSERT_NE(kind, nullptr);
  ProbeSpec spec = spec_of(*kind, {});
  EXPECT_EQ(error_of(spec), "ok");
  spec.every = 1ms;
  EXPECT_EQ(error_of(spec),
            "exp.lua:3: constant_probe \"p\": every: '1ms' is too short; the shortest is 10ms");
}

}  // namespace
}  // namespace chaos::engine
