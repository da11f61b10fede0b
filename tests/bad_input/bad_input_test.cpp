// Runs every case of tests/bad_input/cases through the chaosctl binary and checks what the
// case's header says: the exit code of each command and the messages (README.md).

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "support/child_process.h"
#include "support/silent_listener.h"
#include "support/test_support.h"

namespace chaos::test {
namespace {

struct Case {
  std::string name;  // the file name without ".lua"
  std::string path;
};

struct Expectations {
  std::vector<std::pair<std::string, int>> commands;  // ("validate", 1)
  std::vector<std::string> messages;
};

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (const auto& entry : std::filesystem::directory_iterator(BAD_INPUT_CASES)) {
    if (entry.path().extension() != ".lua") continue;
    out.push_back({entry.path().stem().string(), entry.path().string()});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

Expectations read_header(const std::string& text) {
  Expectations e;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && line.rfind("--", 0) == 0;) {
    if (line.rfind("-- expect: ", 0) == 0) {
      e.messages.push_back(line.substr(11));
      continue;
    }
    for (const char* command : {"validate", "run"}) {
      const std::string prefix = std::string("-- ") + command + ": exit ";
      if (line.rfind(prefix, 0) == 0)
        e.commands.emplace_back(command, std::stoi(line.substr(prefix.size())));
    }
  }
  return e;
}

// gtest names the case in failures by its file, not as bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.path; }

class BadInput : public ::testing::TestWithParam<Case> {};

TEST_P(BadInput, AnswersAsTheCaseSays) {
  const Case& c = GetParam();
  const std::string source = read_file(c.path);
  const Expectations expected = read_header(source);
  ASSERT_FALSE(expected.commands.empty()) << c.path << ": no '-- validate: exit N' line";
  ASSERT_FALSE(expected.messages.empty()) << c.path << ": no '-- expect: ...' line";

  TempDir dir;
  SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  // A short path: Lua shortens longer chunk names in its messages ("...").
  const std::string file = dir.file("case.lua");
  write_file(file, replace_all(source, "${SILENT}", silent.address()));
  for (const auto& [command, code] : expected.commands) {
    const std::string log = dir.file(command + ".log");
    ChildProcess chaosctl(std::string(CHAOS_BIN_DIR) + "/chaosctl",
                          {"--db", dir.file("chaos.db"), "--no-color", command, file}, log);
    ASSERT_GT(chaosctl.pid(), 0);
    const std::optional<int> exit = chaosctl.wait_exit(std::chrono::seconds(60));
    const std::string output = read_file(log);
    ASSERT_TRUE(exit.has_value()) << command << " did not exit within 60 s:\n" << output;
    EXPECT_EQ(*exit, code) << command << ":\n" << output;
    for (const std::string& message : expected.messages) {
      EXPECT_NE(output.find(replace_all(message, "{FILE}", file)), std::string::npos)
          << command << ": expected\n  " << replace_all(message, "{FILE}", file) << "\ngot:\n"
          << output;
    }
  }
}

// Issue 17.5: SIGTERM while the only probe waits on a server that never answers (timeout 1h,
// baseline 1h) used to be ignored until the probe's timeout; the run must end aborted, now.
TEST(ProbeNeverAnswers, SigtermEndsTheRunPromptly) {
  TempDir dir;
  SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  const std::string file = dir.file("silent.lua");
  write_file(file, R"(experiment {
  title = "SIGTERM while a probe hangs",
  steady_state = {
    http_probe "health" { url = "http://)" +
                       silent.address() + R"(/", timeout = "1h",
      expect = { error_ratio = 0 } },
  },
  baseline = { timeout = "1h" },
  method = { fault "latency" { listen = "127.0.0.1:0", upstream = "127.0.0.1:1", delay = "1ms",
    duration = "1s" } },
})");
  const std::string log = dir.file("run.log");
  ChildProcess chaosctl(std::string(CHAOS_BIN_DIR) + "/chaosctl",
                        {"--db", dir.file("chaos.db"), "--no-color", "run", file}, log);
  ASSERT_GT(chaosctl.pid(), 0);
  // The baseline has begun once the probe's request reached the silent port.
  ASSERT_TRUE(silent.wait_for_client(30000)) << read_file(log);
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(chaosctl.pid(), SIGTERM), 0);
  const std::optional<int> exit = chaosctl.wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(exit.has_value()) << "SIGTERM did not end the run:\n" << read_file(log);
  EXPECT_EQ(*exit, 3) << read_file(log);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10));
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = info.param.name;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace chaos::test
