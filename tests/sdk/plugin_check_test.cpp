// `chaosctl plugin check`, run as an operator runs it: conforming plugins in C and C++ pass, the
// built-in network plugin passes with the documented parameters, and a broken plugin fails with
// each broken check named — while chaosctl itself survives the crash, the hang and the throw.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/sleeper.h"
#include "support/test_support.h"


namespace chaos {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string fixture(const std::string& dir, const std::string& name) {
  return std::string(CHAOS_TEST_PLUGIN_ROOT) + "/" + dir + "/" + name + ".so";
}

struct Ran {
  int code = -1;
  std::string out;  // stdout and stderr
};

class PluginCheck : public ::testing::Test {
 protected:
  Ran chaosctl(const std::vector<std::string>& args) {
    const std::string log = dir_.file("chaosctl.log");
    test::ChildProcess p(std::string(CHAOS_BIN_DIR) + "/chaosctl", args, log);
    Ran r;
    r.code = p.wait_exit(120s).value_or(-1);
    r.out = test::read_file(log);
    return r;
  }
  // The --json report: the line that starts it (plugins may print to stderr around it).
  static json::object report(const std::string& out) {
    const size_t at = out.find("{\"path\"");
    if (at == std::string::npos) return {};
    return json::parse(out.substr(at, out.find('\n', at) - at)).as_object();
  }
  // The named check's row, or an empty object.
  static json::object row(const json::object& report, const std::string& kind,
                          const std::string& check) {
    for (const auto& r : report.at("checks").as_array()) {
      if (r.at("kind") == kind.c_str() && r.at("check") == check.c_str()) return r.as_object();
    }
    return {};
  }
  static std::string detail(const json::object& row) {
    return row.contains("detail") ? std::string(row.at("detail").as_string()) : "(no such row)";
  }

  test::TempDir dir_;
};

TEST_F(PluginCheck, PassesTheProcessPauseExampleWrittenInPlainC) {
  test::Sleeper target;
  const Ran r = chaosctl({"plugin", "check", PROCESS_PAUSE_PLUGIN, "--params",
                          "process_pause={\"pid\":" + std::to_string(target.pid()) + "}"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("plugin process 0.1.0 (ABI 1.2)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("passed: all"), std::string::npos) << r.out;
  EXPECT_NE(target.state(), 'T');  // every path resumed it
}

TEST_F(PluginCheck, PassesTheCpuBurnExampleWithItsDefaults) {
  const Ran r = chaosctl({"plugin", "check", CPU_BURN_PLUGIN, "--json"});
  EXPECT_EQ(r.code, 0) << r.out;
  const json::object rep = report(r.out);
  ASSERT_FALSE(rep.empty()) << r.out;
  EXPECT_EQ(rep.at("passed"), true);
  EXPECT_EQ(detail(row(rep, "cpu_burn", "params")),
            R"({"threads":1,"load":100,"max_duration":"60s"})");
  EXPECT_EQ(row(rep, "cpu_burn", "update").at("passed"), true);
}

TEST_F(PluginCheck, PassesTheBuiltInNetworkPluginWithTheDocumentedParams) {
  // The invocation sdk/README.md documents: each kind gets a proxy on a free port (port 0), so
  // the check never takes a port a real service needs; http also needs a status to answer with.
  const Ran kinds = chaosctl({"plugins", "--json"});
  ASSERT_EQ(kinds.code, 0) << kinds.out;
  std::vector<std::string> args{"plugin", "check", NETWORK_PLUGIN};
  const json::value listing = json::parse(kinds.out);
  for (const auto& plugin : listing.as_array()) {
    if (plugin.at("name") != "network") continue;
    for (const auto& kind : plugin.at("kinds").as_array()) {
      const std::string name(kind.at("name").as_string());
      args.push_back("--params");
      args.push_back(name + (name == "http" ? R"(={"listen":"127.0.0.1:0","status":503})"
                                            : R"(={"listen":"127.0.0.1:0"})"));
    }
  }
  ASSERT_GT(args.size(), 3u) << kinds.out;
  const Ran r = chaosctl(args);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("passed: all"), std::string::npos) << r.out;
}

TEST_F(PluginCheck, FailsABrokenPluginNamingEveryBrokenCheckAndSurvivesIt) {
  const Ran r = chaosctl(
      {"plugin", "check", fixture("broken", "broken_plugin"), "--json", "--timeout", "3s"});
  EXPECT_EQ(r.code, 1) << r.out;
  const json::object rep = report(r.out);
  ASSERT_FALSE(rep.empty()) << r.out;
  EXPECT_EQ(rep.at("passed"), false);
  struct Expected {
    const char* kind;
    const char* check;
    const char* says;
  };
  for (const Expected& e : std::vector<Expected>{
           {"crashy", "stop without start", "crashed: signal 11"},
           {"sloppy", "bad params rejected", "constrains nothing"},
           {"sloppy", "status before start", "not a JSON object"},
           {"sloppy", "stop without start", "CHAOS_ERR_STATE: not started"},
           {"thrower", "start", "an exception escaped the plugin (thrown across the ABI)"},
           {"leaky", "host callbacks", "after destroy returned"},
           {"hangs", "stop", "timed out after 3000 ms"},
       }) {
    const json::object found = row(rep, e.kind, e.check);
    ASSERT_FALSE(found.empty()) << e.kind << " / " << e.check << "\n" << r.out;
    EXPECT_EQ(found.at("passed"), false) << e.kind << " / " << e.check;
    EXPECT_NE(detail(found).find(e.says), std::string::npos)
        << e.kind << " / " << e.check << ": " << detail(found);
  }
  // What each broken kind did not break still passes: a failure is pinned to its check.
  EXPECT_EQ(row(rep, "crashy", "schema").at("passed"), true);
  EXPECT_EQ(row(rep, "thrower", "stop without start").at("passed"), true);
  EXPECT_EQ(row(rep, "leaky", "destroy while running").at("passed"), true);
}

TEST_F(PluginCheck, SaysWhichRequiredParameterItCouldNotBuildAndHowToGiveIt) {
  const Ran r = chaosctl({"plugin", "check", fixture("ok", "marker_plugin")});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("required 'file' has no default, example or enum to try"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--params marker='{\"file\":...}'"), std::string::npos) << r.out;

  const Ran given = chaosctl({"plugin", "check", fixture("ok", "marker_plugin"), "--params",
                              "marker={\"file\":\"" + dir_.file("marker") + "\"}"});
  EXPECT_EQ(given.code, 0) << given.out;
}

TEST_F(PluginCheck, RefusesAPluginForAnotherMajorAbiNamingBothVersions) {
  const Ran r = chaosctl({"plugin", "check", fixture("abi2", "marker_abi2_plugin")});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("abi stamp"), std::string::npos);
  EXPECT_NE(r.out.find("was built for plugin ABI 2.0, but this chaosctl speaks ABI 1.2"),
            std::string::npos)
      << r.out;
}

TEST_F(PluginCheck, PassesAPluginBuiltAgainstTheFrozen10Header) {
  const Ran r = chaosctl({"plugin", "check", fixture("abi_v1_0", "marker_v1_0_plugin"), "--params",
                          "marker={\"file\":\"" + dir_.file("m") + "\"}"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("marker-v1.0 1.2.3 (ABI 1.0)"), std::string::npos) << r.out;
}

TEST_F(PluginCheck, RejectsABadCommandLineWithUsage) {
  EXPECT_EQ(chaosctl({"plugin", "check"}).code, 64);
  EXPECT_EQ(chaosctl({"plugin"}).code, 64);
  const Ran bad = chaosctl({"plugin", "check", CPU_BURN_PLUGIN, "--params", "cpu_burn=[1]"});
  EXPECT_EQ(bad.code, 64);
  EXPECT_NE(bad.out.find("must be a JSON object"), std::string::npos) << bad.out;
  const Ran typo = chaosctl({"plugin", "check", CPU_BURN_PLUGIN, "--params", "cpuburn={}"});
  EXPECT_EQ(typo.code, 1);
  EXPECT_NE(typo.out.find("this plugin has no kind 'cpuburn'"), std::string::npos) << typo.out;
}

TEST_F(PluginCheck, PluginsCommandLoadsTheExamplesFromAPluginDir) {
  const std::string plugins = dir_.file("plugins");
  std::filesystem::create_directory(plugins);
  for (const char* so : {PROCESS_PAUSE_PLUGIN, CPU_BURN_PLUGIN}) {
    std::filesystem::copy_file(so, plugins + "/" + std::filesystem::path(so).filename().string());
  }
  const Ran r = chaosctl({"--plugin-dir", plugins, "plugins"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("fault kind: process_pause"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fault kind: cpu_burn"), std::string::npos) << r.out;

  const Ran newer =
      chaosctl({"--plugin-dir", std::string(CHAOS_TEST_PLUGIN_ROOT) + "/abi2", "plugins"});
  EXPECT_EQ(newer.code, 1);
  EXPECT_NE(newer.out.find("built for plugin ABI 2.0, but this chaosctl speaks ABI 1.2"),
            std::string::npos)
      << newer.out;
}

// A kind declaring "duration" would silently get its default whenever a step sets duration:
// every command that loads it refuses it, naming the plugin, the kind and the key.
TEST_F(PluginCheck, RefusesAKindWhoseSchemaDeclaresAReservedStepKey) {
  const std::string dir = std::string(CHAOS_TEST_PLUGIN_ROOT) + "/reserved_key";
  const std::string why =
      "plugin reserved-key, kind #1 (soak): its parameter schema declares 'duration', a step key";

  const Ran check = chaosctl({"plugin", "check", dir + "/marker_reserved_key_plugin.so"});
  EXPECT_EQ(check.code, 1) << check.out;
  EXPECT_NE(check.out.find(why), std::string::npos) << check.out;
  EXPECT_EQ(check.out.find("passed: all"), std::string::npos) << check.out;

  const Ran plugins = chaosctl({"--plugin-dir", dir, "plugins"});
  EXPECT_EQ(plugins.code, 1) << plugins.out;
  EXPECT_NE(plugins.out.find(why), std::string::npos) << plugins.out;
  EXPECT_EQ(plugins.out.find("fault kind: soak"), std::string::npos) << plugins.out;

  const std::string exp = dir_.file("soak.lua");
  test::write_file(exp, "experiment { method = { fault \"soak\" { file = \"" + dir_.file("m") +
                            "\", duration = \"2s\" } } }\n");
  const Ran validate = chaosctl({"--plugin-dir", dir, "validate", exp});
  EXPECT_NE(validate.code, 0) << validate.out;
  EXPECT_NE(validate.out.find(why), std::string::npos) << validate.out;
}

}  // namespace
}  // namespace chaos
