// chaos/fake_host.hpp: loading (linked in, or by path with the stamp checked first), the host's
// parameter handling before create, thread-safe records, and the contract violations it notes.
#include <gtest/gtest.h>

#include <chaos/fake_host.hpp>
#include <chaos/plugin.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "support/test_support.h"

namespace {

using chaos::sdk::FakeHost;
using chaos::sdk::Params;
using namespace std::chrono_literals;

std::string fixture(const std::string& dir, const std::string& name) {
  return std::string(CHAOS_TEST_PLUGIN_ROOT) + "/" + dir + "/" + name + ".so";
}

std::string last_params;  // what Echo::create was given
int creates = 0;

// Records its parameters; on start, a thread reports `samples` metrics and an event.
class Echo : public chaos::sdk::Fault {
 public:
  static constexpr const char* kName = "echo";
  static constexpr const char* kSummary = "Reports what it was given.";
  static constexpr const char* kSchema = R"({"type":"object","properties":{
    "label":{"type":"string"},"level":{"type":"integer","default":2},
    "seed":{"type":"integer","default":0},"samples":{"type":"integer","default":0}},
    "required":["label"],"additionalProperties":false})";

  static std::unique_ptr<Echo> create(chaos::sdk::Host& host, const Params& params) {
    ++creates;
    last_params = params.raw();
    return std::unique_ptr<Echo>(new Echo(host, params.get_int("samples")));
  }
  ~Echo() override { stop(); }
  void start() override {
    worker_ = std::thread([this] {
      for (int64_t i = 0; i < samples_; ++i) host_.metric("sample", static_cast<double>(i));
      host_.event("done", R"({"samples":1})");
    });
  }
  void stop() override {
    if (worker_.joinable()) worker_.join();
  }

 private:
  Echo(chaos::sdk::Host& host, int64_t samples) : host_(host), samples_(samples) {}
  chaos::sdk::Host& host_;
  int64_t samples_;
  std::thread worker_;
};

}  // namespace

CHAOS_PLUGIN("echo-plugin", "1.0.0", "Linked into the test.", Echo)

namespace {

// A raw-ABI kind that breaks the contract: a thread calls the host after destroy returned,
// with an event detail that is not an object.
struct chaos_fault* make_late(const chaos_host_api* host, chaos_host_ctx* ctx) {
  std::thread([host, ctx] {
    std::this_thread::sleep_for(20ms);
    host->log(ctx, CHAOS_LOG_WARN, "late", 4);
    host->event(ctx, "late", 4, "[1]", 3);
  }).detach();
  return reinterpret_cast<chaos_fault*>(new int(0));
}

const chaos_fault_kind kLateKind = {sizeof(chaos_fault_kind),
                                    "late",
                                    "Calls the host after destroy.",
                                    R"({"type":"object"})",
                                    [](const chaos_host_api* host, chaos_host_ctx* ctx, const char*,
                                       size_t, chaos_fault** out, chaos_writer*) {
                                      *out = make_late(host, ctx);
                                      return CHAOS_OK;
                                    },
                                    [](chaos_fault*, chaos_writer*) { return CHAOS_OK; },
                                    [](chaos_fault*, chaos_writer*) { return CHAOS_OK; },
                                    [](chaos_fault*, chaos_writer* out, chaos_writer*) {
                                      out->append(out->ctx, "{}", 2);
                                      return CHAOS_OK;
                                    },
                                    [](chaos_fault* f) { delete reinterpret_cast<int*>(f); },
                                    nullptr,
                                    nullptr};
const chaos_plugin kLatePlugin = {
    sizeof(chaos_plugin), CHAOS_ABI_MAJOR, CHAOS_ABI_MINOR, "late", "1", "", 1, &kLateKind};

TEST(FakeHost, FillsDefaultsAndTheRunSeedBeforeCreateAsTheHostDoes) {
  FakeHost host(chaos_plugin_entry(), &chaos_plugin_stamp);
  ASSERT_TRUE(host.loaded()) << host.load_error();
  auto fault = host.create("echo", R"({"label":"a"})");
  ASSERT_TRUE(fault.ok()) << fault.created();
  EXPECT_EQ(last_params, R"({"label":"a","level":2,"seed":1,"samples":0})");

  host.set_run_seed(77);
  ASSERT_TRUE(host.create("echo", R"({"label":"a","seed":0})").ok());
  EXPECT_EQ(last_params, R"({"label":"a","seed":77,"level":2,"samples":0})");
  ASSERT_TRUE(host.create("echo", R"({"label":"a","seed":5})").ok());
  EXPECT_NE(last_params.find(R"("seed":5)"), std::string::npos);
}

TEST(FakeHost, RefusesBadParametersNamingTheFieldWithoutCallingThePlugin) {
  FakeHost host(chaos_plugin_entry());
  const int before = creates;
  EXPECT_EQ(host.create("echo", "{}").created().message, "label: is required");
  EXPECT_EQ(host.create("echo", R"({"label":"a","level":"high"})").created().message,
            "level: expected integer");
  EXPECT_EQ(host.create("echo", R"({"label":"a","level":1.5})").created().message,
            "level: expected integer");
  EXPECT_EQ(host.create("echo", R"({"label":"a","colour":1})").created().message,
            "colour: unknown parameter");
  EXPECT_EQ(host.create("echo", "[]").created().status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(host.create("nope", "{}").created().message, "unknown fault kind 'nope'");
  EXPECT_EQ(creates, before);
  // create_raw skips all of it, for testing a plugin's own checks.
  EXPECT_EQ(host.create_raw("echo", "{}").created().status, CHAOS_ERR_INVALID_PARAMS);
  EXPECT_EQ(creates, before + 1);
}

TEST(FakeHost, RecordsWhatPluginThreadsReportWhileTheTestWaits) {
  FakeHost host(chaos_plugin_entry());
  auto fault = host.create("echo", R"({"label":"a","samples":2000})", "echo-1");
  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(
      host.wait_for([](const chaos::sdk::Records& r) { return r.metrics.size() == 2000; }, 5s));
  EXPECT_TRUE(host.wait_for_event("done", 5s));
  ASSERT_TRUE(fault.stop().ok());
  const auto records = host.records();
  EXPECT_EQ(records.metrics.back().name, "sample");
  EXPECT_EQ(records.metrics.back().fault, "echo-1");
  EXPECT_EQ(records.metrics.back().value, 1999);
  EXPECT_EQ(records.events.front().detail_json, R"({"samples":1})");
  EXPECT_TRUE(records.problems.empty());
  host.clear();
  EXPECT_TRUE(host.records().metrics.empty());
}

TEST(FakeHost, NotesCallbacksAfterDestroyAndEventDetailsThatAreNotObjects) {
  FakeHost host(&kLatePlugin);
  ASSERT_TRUE(host.loaded()) << host.load_error();
  auto fault = host.create("late");
  ASSERT_TRUE(fault.ok());
  fault.destroy();
  ASSERT_TRUE(
      host.wait_for([](const chaos::sdk::Records& r) { return r.problems.size() >= 3; }, 5s));
  const auto problems = host.records().problems;
  EXPECT_EQ(problems[0], "log from fault 'late' after destroy returned");
  EXPECT_EQ(problems[1], "event from fault 'late' after destroy returned");
  EXPECT_EQ(problems[2], "event 'late': detail is not a JSON object");
}

TEST(FakeHost, DrivesAPlainCPluginLoadedByPath) {
  chaos::test::TempDir dir;
  FakeHost host(fixture("ok", "marker_plugin"));
  ASSERT_TRUE(host.loaded()) << host.load_error();
  EXPECT_STREQ(host.plugin()->name, "marker-test");
  const std::string params = R"({"file":")" + dir.file("m") + "\"}";
  auto fault = host.create("marker", params);
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  EXPECT_EQ(chaos::test::read_file(dir.file("m")), "on");
  EXPECT_TRUE(fault.update(R"({"file":")" + dir.file("m") + R"(","level":4})").ok());
  EXPECT_EQ(fault.status().output, R"({"active":true})");
  fault.destroy();
  EXPECT_EQ(chaos::test::read_file(dir.file("m")), "off");
  EXPECT_EQ(fault.start().status, CHAOS_ERR_STATE);  // destroyed
  EXPECT_EQ(host.recover("marker", params).status, CHAOS_ERR_UNSUPPORTED);
  const auto records = host.records();
  ASSERT_EQ(records.metrics.size(), 2u);
  EXPECT_EQ(records.metrics[0].value, 1);  // the schema's default level
  EXPECT_EQ(records.metrics[1].value, 4);
}

TEST(FakeHost, LoadsAPluginBuiltAgainstTheFrozen10Header) {
  FakeHost host(fixture("abi_v1_0", "marker_v1_0_plugin"));
  ASSERT_TRUE(host.loaded()) << host.load_error();
  EXPECT_EQ(host.plugin()->abi_minor, 0);
  EXPECT_EQ(host.capabilities("marker"), 0u);  // 1.0 had no capabilities field
}

TEST(FakeHost, ReadsTheCapabilitiesAKindDeclares) {
  FakeHost host(fixture("fake", "fake_plugin"));
  ASSERT_TRUE(host.loaded()) << host.load_error();
  EXPECT_EQ(host.capabilities("fake_proxy"), CHAOS_KIND_PROVIDES_PROXY);
  EXPECT_EQ(host.capabilities("fake_on_proxy"), CHAOS_KIND_ACTS_ON_PROXY);
  EXPECT_EQ(host.capabilities("fake"), 0u);
  EXPECT_EQ(host.capabilities("no such kind"), 0u);
}

TEST(FakeHost, RefusesIncompatibleLibrariesSayingWhy) {
  FakeHost abi2(fixture("abi2", "marker_abi2_plugin"));
  EXPECT_FALSE(abi2.loaded());
  EXPECT_NE(abi2.load_error().find("built for plugin ABI 2.0, but this SDK speaks ABI 1."),
            std::string::npos)
      << abi2.load_error();
  FakeHost newer(fixture("newer_minor", "marker_newer_minor_plugin"));
  EXPECT_NE(newer.load_error().find("needs plugin ABI 1.99"), std::string::npos);
  FakeHost stampless(fixture("no_stamp", "no_stamp_plugin"));
  EXPECT_NE(stampless.load_error().find("has no chaos_plugin_stamp"), std::string::npos);
  FakeHost missing("/nonexistent/plugin.so");
  EXPECT_NE(missing.load_error().find("cannot load /nonexistent/plugin.so"), std::string::npos);
  EXPECT_FALSE(missing.create("marker").ok());
}

}  // namespace
