// Runs one case of tests/corpus/cases (the file given on the command line) through the real
// chaosctl and checks what its header says (README.md): each command's exit code and messages
// within a bound, or one request to a real `chaosctl serve`, and then, always, that the store
// holds no run recorded as passed (unless the case allows it) and no fault left injected.

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <thread>

#include "corpus/case_header.h"
#include "support/child_process.h"
#include "support/silent_listener.h"
#include "support/test_support.h"

namespace chaos::test {
namespace {

std::string g_case_path;  // argv[1]
const std::string kChaosctl = std::string(CHAOS_BIN_DIR) + "/chaosctl";
const std::string kToken = "corpus-token-0123456789";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

struct Ran {
  std::optional<int> exit;  // nullopt: still running at the deadline, or killed by a signal
  std::string out;
};

// A short chaosctl command that must answer (store queries): 30 s at most.
Ran chaosctl(const TempDir& dir, std::vector<std::string> args, const std::string& log_name) {
  args.insert(args.begin(), {"--db", dir.file("chaos.db"), "--no-color"});
  const std::string log = dir.file(log_name);
  ChildProcess child(kChaosctl, args, log);
  Ran ran;
  ran.exit = child.wait_exit(std::chrono::seconds(30));
  ran.out = read_file(log);
  return ran;
}

class Corpus : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    const std::string text = read_file(g_case_path);
    ASSERT_FALSE(text.empty()) << g_case_path << ": cannot read the case";
    auto header = parse_case_header(text, error);
    ASSERT_TRUE(header) << g_case_path << ": " << error;
    header_ = *header;
    ASSERT_NE(silent_.port(), 0);
    // A short path: Lua shortens longer chunk names in its messages ("...").
    file_ = dir_.file("case.lua");
    write_file(file_, replace_all(text, "${SILENT}", silent_.address()));
  }

  std::string expand(const std::string& message) const {
    return replace_all(message, "{FILE}", file_);
  }

  void run_command(const CommandExpectation& c);
  void send_request(const RequestExpectation& r);
  void expect_nothing_passed_or_left_injected();

  CaseHeader header_;
  TempDir dir_;
  SilentListener silent_;
  std::string file_;
};

void Corpus::run_command(const CommandExpectation& c) {
  const std::string log = dir_.file(c.command + ".log");
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::seconds(header_.within_s);
  std::vector<std::string> args{"--db", dir_.file("chaos.db"), "--no-color", c.command};
  for (const auto& rule : header_.allow_targets) args.insert(args.end(), {"--allow-target", rule});
  args.push_back(file_);
  ChildProcess child(kChaosctl, args, log);
  ASSERT_GT(child.pid(), 0);
  if (c.command == "run" && header_.sigterm_after) {
    if (*header_.sigterm_after == "connect") {
      // Once the run's request reached the port that never answers.
      ASSERT_TRUE(silent_.wait_for_client(header_.within_s * 1000)) << read_file(log);
    } else {
      // The case means a moment in the run's own timeline (a fault on, the script looping).
      std::this_thread::sleep_for(
          std::chrono::milliseconds(static_cast<int>(std::stod(*header_.sigterm_after) * 1000)));
    }
    ASSERT_EQ(kill(child.pid(), SIGTERM), 0);
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  const std::optional<int> exit = child.wait_exit(std::max(left, std::chrono::milliseconds(1)));
  const std::string output = read_file(log);
  ASSERT_TRUE(exit.has_value()) << c.command << " did not exit within " << header_.within_s
                                << " s, or died of a signal:\n"
                                << output;
  EXPECT_NE(std::find(c.exits.begin(), c.exits.end(), *exit), c.exits.end())
      << c.command << " exited " << *exit << ":\n"
      << output;
  std::vector<std::string> messages = header_.messages;
  messages.insert(messages.end(), c.messages.begin(), c.messages.end());
  for (const std::string& message : messages) {
    EXPECT_NE(output.find(expand(message)), std::string::npos)
        << c.command << ": expected\n  " << expand(message) << "\ngot:\n"
        << output;
  }
}

struct Response {
  long status = 0;  // 0: no answer
  std::string body;
  std::string error;  // libcurl's, when the transfer failed
};

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

Response http(const std::string& method, const std::string& url, const std::string& body,
              bool token) {
  Response r;
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (token) headers = curl_slist_append(headers, ("Authorization: Bearer " + kToken).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  if (method != "GET") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  const CURLcode code = curl_easy_perform(curl);
  // A server that refuses an oversized body may answer before reading it all: the status
  // counts even when sending the rest then failed.
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  if (code != CURLE_OK) r.error = curl_easy_strerror(code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return r;
}

std::optional<unsigned> port_in_log(const std::string& log, const std::regex& pattern) {
  std::smatch m;
  if (!std::regex_search(log, m, pattern)) return std::nullopt;
  return static_cast<unsigned>(std::stoul(m[1]));
}

// Starts `chaosctl serve` (JSON API and Toxiproxy-compatible API, both on ephemeral loopback
// ports) with two experiments, sends the case's request, checks the answer, checks the server
// still answers both APIs, and stops it.
void Corpus::send_request(const RequestExpectation& r) {
  const std::string experiments = dir_.file("experiments");
  std::filesystem::create_directory(experiments);
  write_file(experiments + "/quick.lua",
             "experiment { title = 'quick', method = function() end }\n");
  write_file(experiments + "/invalid.lua",
             "experiment {\n  title = 'invalid',\n  method = { fault 'latency' { listen = "
             "'127.0.0.1:0', upstream = '127.0.0.1:1', delay = '11m', duration = '1s' } },\n}\n");
  const std::string log = dir_.file("serve.log");
  ChildProcess serve(
      kChaosctl,
      {"--db", dir_.file("chaos.db"), "--no-color", "serve", "--listen", "127.0.0.1:0",
       "--api-listen", "127.0.0.1:0", "--token", kToken, "--experiments", experiments},
      log);
  ASSERT_GT(serve.pid(), 0);
  static const std::regex api_port(R"(serving http://127\.0\.0\.1:(\d+)/)");
  static const std::regex toxiproxy_port(R"(Toxiproxy-compatible API on port (\d+))");
  ASSERT_TRUE(
      wait_for([&] { return port_in_log(read_file(log), toxiproxy_port) || serve.exited(); },
               std::chrono::seconds(30)))
      << read_file(log);
  const auto v1 = port_in_log(read_file(log), api_port);
  const auto toxiproxy = port_in_log(read_file(log), toxiproxy_port);
  ASSERT_TRUE(v1 && toxiproxy) << read_file(log);
  const std::string v1_base = "http://127.0.0.1:" + std::to_string(*v1);
  const std::string toxiproxy_base = "http://127.0.0.1:" + std::to_string(*toxiproxy);

  for (const SetupRequest& setup : header_.toxiproxy_setup) {
    const Response done = http(setup.method, toxiproxy_base + setup.path, setup.body, true);
    ASSERT_TRUE(done.status >= 200 && done.status < 300)
        << "toxiproxy-setup " << setup.method << " " << setup.path << ": " << done.status << " "
        << done.body << done.error;
  }
  // What a refused request must leave as it was: the proxies and their toxics, the leased
  // faults, and the runs.
  auto state = [&] {
    return http("GET", toxiproxy_base + "/proxies", "", false).body + "\n" +
           http("GET", toxiproxy_base + "/chaosctl/v1/faults", "", false).body + "\n" +
           http("GET", v1_base + "/api/v1/runs", "", false).body;
  };
  const std::string before = state();

  const std::string body = r.body_bytes ? std::string(*r.body_bytes, 'x')
                                        : replace_all(header_.body, "{EXPERIMENTS}", experiments);
  const Response answer =
      http(r.method, (r.api == "v1" ? v1_base : toxiproxy_base) + r.path, body, r.token);
  EXPECT_EQ(answer.status, r.status)
      << r.method << " " << r.path << ": " << answer.body << answer.error << "\n"
      << read_file(log);
  if (r.status >= 400) {
    EXPECT_EQ(state(), before) << "a refused request changed something";
    const Response status = http("GET", v1_base + "/api/v1/status", "", false);
    EXPECT_NE(status.body.find(R"("active":[])"), std::string::npos)
        << "a refused request left a run active: " << status.body;
  }
  for (const std::string& message : header_.messages) {
    EXPECT_NE(answer.body.find(expand(message)), std::string::npos)
        << r.method << " " << r.path << ": expected\n  " << message << "\ngot:\n"
        << answer.body;
  }
  // Still serving, both APIs.
  EXPECT_EQ(http("GET", v1_base + "/api/v1/status", "", false).status, 200) << read_file(log);
  EXPECT_EQ(http("GET", toxiproxy_base + "/version", "", false).status, 200) << read_file(log);

  ASSERT_EQ(kill(serve.pid(), SIGTERM), 0);
  const std::optional<int> exit = serve.wait_exit(std::chrono::seconds(header_.within_s));
  EXPECT_EQ(exit, 0) << "serve did not stop cleanly on SIGTERM:\n" << read_file(log);
}

// Every run stored ended, none as passed unless the case allows it; every fault started was
// stopped; and `recover` finds nothing to undo.
void Corpus::expect_nothing_passed_or_left_injected() {
  const Ran runs = chaosctl(dir_, {"runs", "--json"}, "runs.log");
  ASSERT_EQ(runs.exit, 0) << runs.out;
  boost::system::error_code ec;
  const boost::json::value listed = boost::json::parse(runs.out, ec);
  ASSERT_FALSE(ec) << runs.out;
  for (const auto& run : listed.as_array()) {
    const auto& r = run.as_object();
    const std::string id = std::to_string(r.at("id").as_int64());
    EXPECT_NE(r.at("state"), "running") << "run " << id << " left running: " << runs.out;
    if (!header_.may_pass) {
      EXPECT_NE(r.at("verdict"), "passed") << "run " << id << " stored as passed: " << runs.out;
    }
    const Ran shown = chaosctl(dir_, {"show", id, "--json"}, "show.log");
    ASSERT_EQ(shown.exit, 0) << shown.out;
    const boost::json::value run_detail = boost::json::parse(shown.out, ec);
    ASSERT_FALSE(ec) << shown.out;
    std::map<int64_t, int> open;  // fault id -> starts minus stops
    for (const auto& event : run_detail.at("events").as_array()) {
      const auto& kind = event.at("kind");
      if (kind != "fault_start" && kind != "fault_stop") continue;
      open[event.at("detail").at("id").as_int64()] += kind == "fault_start" ? 1 : -1;
    }
    for (const auto& [fault, count] : open)
      EXPECT_EQ(count, 0) << "run " << id << ": fault " << fault << " never stopped";
  }
  const Ran recover = chaosctl(dir_, {"recover", "--json"}, "recover.log");
  EXPECT_EQ(recover.exit, 0) << recover.out;
  EXPECT_NE(recover.out.find(R"({"attempts":[],"pending":[]})"), std::string::npos)
      << "a fault was left for recovery: " << recover.out;
}

TEST_F(Corpus, AnswersAsTheCaseSays) {
  for (const CommandExpectation& c : header_.commands) {
    SCOPED_TRACE(c.command);
    run_command(c);
  }
  if (header_.request) send_request(*header_.request);
  expect_nothing_passed_or_left_injected();
}

}  // namespace
}  // namespace chaos::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: corpus_case_test CASE_FILE\n");
    return 64;
  }
  chaos::test::g_case_path = argv[1];
  return RUN_ALL_TESTS();
}
