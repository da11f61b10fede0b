// parse_command_line: what each command accepts, what it refuses and how the refusal reads.
#include "cli/options.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace chaos::cli {
namespace {

// The environment a test gives the parser (never the process's own).
std::map<std::string, std::string> test_env;
const char* fake_env(const char* name) {
  auto it = test_env.find(name);
  return it == test_env.end() ? nullptr : it->second.c_str();
}

CommandLine parse(std::vector<std::string> words, std::map<std::string, std::string> env = {}) {
  test_env = std::move(env);
  std::vector<const char*> argv{"chaosctl"};
  for (const auto& w : words) argv.push_back(w.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), fake_env);
}

TEST(CliOptions, SharedOptionsGoBeforeOrAfterTheCommand) {
  auto before = parse({"--db", "a.db", "--json", "show", "3"});
  ASSERT_TRUE(before.options) << before.err;
  EXPECT_EQ(before.options->command, "show");
  EXPECT_EQ(before.options->db_path, "a.db");
  EXPECT_TRUE(before.options->json);
  EXPECT_EQ(before.options->args, std::vector<std::string>{"3"});
  auto after = parse({"show", "3", "--db", "a.db", "--json"});
  ASSERT_TRUE(after.options) << after.err;
  EXPECT_EQ(after.options->db_path, "a.db");
  EXPECT_TRUE(after.options->json);
}

TEST(CliOptions, UnknownFlagIsRefusedByTheCommandItWasGivenTo) {
  auto serve = parse({"serve", "--timeout", "5s"});
  EXPECT_FALSE(serve.options);
  EXPECT_EQ(serve.exit_code, kExitUsage);
  EXPECT_EQ(serve.err, "serve: unknown option --timeout (see chaosctl help serve)");
  auto run = parse({"run", "--bogus", "x.lua"});
  EXPECT_EQ(run.err, "run: unknown option --bogus (see chaosctl help run)");
  auto check = parse({"plugin", "check", "p.so", "--listen", "x"});
  EXPECT_EQ(check.err, "plugin check: unknown option --listen (see chaosctl help plugin check)");
  auto top = parse({"--bogus", "runs"});
  EXPECT_EQ(top.err, "unknown option --bogus (see chaosctl --help)");
  EXPECT_EQ(parse({"frobnicate"}).err, "unknown command 'frobnicate' (see chaosctl --help)");
}

// Regression: `run --bogus 1 x.lua` said "FILE: At Most 1 required but received 2" (CLI11 sets the
// unknown flag aside, gives "1" and "x.lua" to FILE and fails on the count). Every command, the
// flag with a value before its positional arguments, after them, and bare.
TEST(CliOptions, UnknownFlagWithAValueIsNamedByEveryCommand) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> commands{
      {"run", {"x.lua"}}, {"validate", {"x.lua"}},
      {"plugins", {}},    {"plugin check", {"p.so"}},
      {"runs", {}},       {"show", {"3"}},
      {"report", {"3"}},  {"recover", {}},
      {"serve", {}},      {"proxy", {}}};
  for (const auto& [command, positional] : commands) {
    std::vector<std::string> name_words;
    for (size_t start = 0, space; start <= command.size(); start = space + 1) {
      space = command.find(' ', start);
      if (space == std::string::npos) space = command.size();
      name_words.push_back(command.substr(start, space - start));
    }
    const std::string expected =
        command + ": unknown option --bogus (see chaosctl help " + command + ")";
    std::vector<std::vector<std::string>> lines;
    for (const auto& flag : std::vector<std::vector<std::string>>{{"--bogus", "1"}, {"--bogus"}}) {
      std::vector<std::string> before = name_words, after = name_words;
      before.insert(before.end(), flag.begin(), flag.end());
      before.insert(before.end(), positional.begin(), positional.end());
      after.insert(after.end(), positional.begin(), positional.end());
      after.insert(after.end(), flag.begin(), flag.end());
      lines.push_back(before);
      lines.push_back(after);
    }
    for (const auto& words : lines) {
      std::string shown;
      for (const auto& w : words) shown += " " + w;
      const CommandLine line = parse(words);
      EXPECT_FALSE(line.options) << shown;
      EXPECT_EQ(line.exit_code, kExitUsage) << shown;
      EXPECT_EQ(line.err, expected) << shown;
    }
  }
  // A surplus positional (no flag in sight) is still refused, naming the command.
  const CommandLine two = parse({"run", "a.lua", "b.lua"});
  EXPECT_EQ(two.exit_code, kExitUsage);
  EXPECT_EQ(two.err.rfind("run: ", 0), 0u) << two.err;
}

TEST(CliOptions, UsageErrorsUnderJsonAreForJsonOutput) {
  auto line = parse({"runs", "--json", "--bogus"});
  EXPECT_EQ(line.exit_code, kExitUsage);
  EXPECT_EQ(line.out, "runs: unknown option --bogus (see chaosctl help runs)");
  EXPECT_TRUE(line.err.empty());
}

TEST(CliOptions, MissingAndSurplusArgumentsNameTheCommand) {
  EXPECT_EQ(parse({"run"}).err, "run: FILE is required (see chaosctl help run)");
  EXPECT_EQ(parse({"run", "a.lua", "b.lua"}).exit_code, kExitUsage);
  EXPECT_EQ(parse({"plugin"}).exit_code, kExitUsage);
  EXPECT_EQ(parse({"runs", "--limit", "0"}).exit_code, kExitUsage);
  EXPECT_EQ(parse({}).exit_code, kExitUsage);
}

TEST(CliOptions, HelpPerCommandBothWays) {
  auto help_run = parse({"help", "run"});
  ASSERT_EQ(help_run.exit_code, 0);
  EXPECT_NE(help_run.out.find("Usage: chaosctl run [OPTIONS] FILE"), std::string::npos)
      << help_run.out;
  EXPECT_NE(help_run.out.find("--proxy-api"), std::string::npos);
  EXPECT_EQ(help_run.out.find("--schedule"), std::string::npos) << "serve's flags in run's help";
  EXPECT_EQ(parse({"run", "--help"}).out, help_run.out);
  auto check = parse({"help", "plugin", "check"});
  EXPECT_NE(check.out.find("Usage: chaosctl plugin check"), std::string::npos) << check.out;
  EXPECT_NE(parse({"--help"}).out.find("exit codes of `run`"), std::string::npos);
  EXPECT_EQ(parse({"help", "nope"}).exit_code, kExitUsage);
}

TEST(CliOptions, VersionIsTheProjectVersion) {
  auto line = parse({"--version"});
  EXPECT_EQ(line.exit_code, 0);
  EXPECT_EQ(line.out.rfind("chaosctl 0.", 0), 0u) << line.out;
  EXPECT_NE(line.out.find(version_text()), std::string::npos);
}

TEST(CliOptions, EnvironmentFallbacksLoseToFlags) {
  std::map<std::string, std::string> env{
      {"CHAOS_DB", "env.db"}, {"CHAOS_PLUGIN_PATH", "/p1::/p2"}, {"CHAOS_TOKEN", "envtoken"}};
  auto from_env = parse({"serve"}, env);
  ASSERT_TRUE(from_env.options) << from_env.err;
  EXPECT_EQ(from_env.options->db_path, "env.db");
  EXPECT_EQ(from_env.options->plugin_dirs, (std::vector<std::string>{"/p1", "/p2"}));
  EXPECT_EQ(from_env.options->token, "envtoken");
  auto flags =
      parse({"--db", "flag.db", "serve", "--token", "flagtoken", "--plugin-dir", "/f"}, env);
  ASSERT_TRUE(flags.options) << flags.err;
  EXPECT_EQ(flags.options->db_path, "flag.db");
  EXPECT_EQ(flags.options->token, "flagtoken");
  EXPECT_EQ(flags.options->plugin_dirs, (std::vector<std::string>{"/f", "/p1", "/p2"}));
}

TEST(CliOptions, NoColorAndDumbTerminalTurnColourOff) {
  EXPECT_FALSE(parse({"runs"}, {{"TERM", "xterm"}}).options->no_color);
  EXPECT_TRUE(parse({"runs"}, {{"NO_COLOR", "1"}}).options->no_color);
  EXPECT_FALSE(
      parse({"runs"}, {{"NO_COLOR", ""}}).options->no_color);  // no-color.org: empty is unset
  EXPECT_TRUE(parse({"runs"}, {{"TERM", "dumb"}}).options->no_color);
  EXPECT_TRUE(parse({"runs", "--no-color"}).options->no_color);
}

TEST(CliOptions, ServeFlagsKeepTheirOrderAndRepeats) {
  auto line = parse({"serve", "--schedule", "0 14 * * wed a.lua", "--schedule", "* * * * * b.lua",
                     "--experiments", "dir", "c.lua", "--api-listen", "127.0.0.1:0"});
  ASSERT_TRUE(line.options) << line.err;
  const ServeFlags& s = line.options->serve;
  EXPECT_EQ(s.schedules, (std::vector<std::string>{"0 14 * * wed a.lua", "* * * * * b.lua"}));
  EXPECT_EQ(s.experiments, (std::vector<std::string>{"dir", "c.lua"}));
  EXPECT_EQ(s.api_listen.value_or(""), "127.0.0.1:0");
  EXPECT_FALSE(s.proxies_config);
}

}  // namespace
}  // namespace chaos::cli
