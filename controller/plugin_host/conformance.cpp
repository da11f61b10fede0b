// check_plugin: runs the library's loading and each kind's checks in forked children, collects
// their reports through a pipe, and turns a crash, a hang or an exit into a failed check.
#include "plugin_host/conformance.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <set>

#include "plugin_host/conformance_child.h"
#include "plugin_host/plugin_library.h"

namespace chaos::plugin_host {

namespace json = boost::json;
using conformance::Reporter;

bool ConformanceReport::passed() const { return !results.empty() && failures() == 0; }

size_t ConformanceReport::failures() const {
  size_t n = 0;
  for (const auto& r : results) n += !r.passed;
  return n;
}

namespace conformance {

void Reporter::send(const json::object& line) {
  const std::string text = json::serialize(line) + "\n";
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd_, text.data() + done, text.size() - done);
    if (n <= 0 && errno != EINTR) return;  // the parent is gone: nobody to tell
    if (n > 0) done += static_cast<size_t>(n);
  }
}

void Reporter::begin(const std::string& check) {
  current_ = check;
  send({{"begin", check}});
}

void Reporter::result(const std::string& check, bool ok, const std::string& detail) {
  send({{"check", check}, {"ok", ok}, {"detail", detail}});
}

}  // namespace conformance

namespace {

// What a child said, and how it ended if not by finishing its work.
struct ChildOutcome {
  std::vector<json::object> lines;
  std::string abnormal;  // "" when the child exited 0
};

Reporter* g_reporter = nullptr;  // the child's, for the terminate handler

[[noreturn]] void on_terminate() {
  if (g_reporter) {
    g_reporter->result(g_reporter->current(), false,
                       "std::terminate: an exception escaped a noexcept call into the plugin "
                       "(nothing may throw across the C ABI)");
  }
  _exit(70);
}

std::string describe_end(int status) {
  if (WIFSIGNALED(status)) {
    return "crashed: signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    return "the process exited with code " + std::to_string(WEXITSTATUS(status)) +
           " (did the plugin call exit?)";
  }
  return "";
}

// Splits complete lines off `buffer` and parses them; a malformed line is dropped.
void take_lines(std::string& buffer, std::vector<json::object>& lines) {
  size_t newline;
  while ((newline = buffer.find('\n')) != std::string::npos) {
    boost::system::error_code ec;
    json::value v = json::parse(std::string_view(buffer).substr(0, newline), ec);
    if (!ec && v.is_object()) lines.push_back(std::move(v.as_object()));
    buffer.erase(0, newline + 1);
  }
}

ChildOutcome run_child(const std::function<void(Reporter&)>& body,
                       std::chrono::milliseconds timeout) {
  ChildOutcome outcome;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {{}, std::string("pipe: ") + strerror(errno)};
  std::fflush(stdout);  // or the child would flush our buffered output a second time
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {{}, std::string("fork: ") + strerror(errno)};
  }
  if (pid == 0) {
    close(fds[0]);
    dup2(STDERR_FILENO, STDOUT_FILENO);  // a plugin's own printing must not corrupt --json
    Reporter reporter(fds[1]);
    g_reporter = &reporter;
    std::set_terminate(&on_terminate);
    body(reporter);
    _exit(0);  // no static destructors: the plugin's library may hold state we must not touch
  }
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string buffer;
  int status = 0;
  bool reaped = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      outcome.abnormal = "timed out after " + std::to_string(timeout.count()) +
                         " ms (a call into the plugin did not return)";
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
    if (ready > 0) {
      char chunk[4096];
      const ssize_t n = read(fds[0], chunk, sizeof chunk);
      if (n > 0) {
        buffer.append(chunk, static_cast<size_t>(n));
        take_lines(buffer, outcome.lines);
        continue;
      }
      if (n == 0) break;  // EOF: the child (and anything it forked) closed the pipe
    }
    // A process the plugin forked may hold the pipe open after the child is gone.
    if (!reaped && waitpid(pid, &status, WNOHANG) == pid) reaped = true;
    if (reaped && ready == 0) break;
  }
  close(fds[0]);
  if (!reaped) waitpid(pid, &status, 0);
  if (outcome.abnormal.empty()) outcome.abnormal = describe_end(status);
  return outcome;
}

// Adds a child's results to the report; a crash or hang fails the check it interrupted.
void collect(const ChildOutcome& child, const std::string& kind, ConformanceReport& report) {
  std::string begun;
  std::set<std::string> finished;
  for (const auto& line : child.lines) {
    if (const auto* b = line.if_contains("begin"); b && b->is_string()) {
      begun = std::string(b->as_string());
    } else if (const auto* c = line.if_contains("check"); c && c->is_string()) {
      const auto* ok = line.if_contains("ok");
      const auto* detail = line.if_contains("detail");
      report.results.push_back(
          {kind, std::string(c->as_string()), ok && ok->is_bool() && ok->as_bool(),
           detail && detail->is_string() ? std::string(detail->as_string()) : ""});
      finished.insert(report.results.back().check);
    }
  }
  if (child.abnormal.empty()) return;
  const std::string rest = kind.empty() ? "" : "; the kind's remaining checks did not run";
  if (!begun.empty() && !finished.count(begun)) {
    report.results.push_back({kind, begun, false, child.abnormal + rest});
  } else {
    report.results.push_back(
        {kind, begun.empty() ? "load" : "after " + begun, false, child.abnormal + rest});
  }
}

std::string version_text(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// The loading child: the stamp, then the library's tables, then the plugin's description.
void inspect(const std::string& path, Reporter& out) {
  out.begin("abi stamp");
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    out.result("abi stamp", false, std::string("cannot load: ") + (why ? why : "unknown error"));
    return;
  }
  const auto* stamp = static_cast<const chaos_abi_stamp*>(dlsym(handle, CHAOS_PLUGIN_STAMP_SYMBOL));
  const std::string ours = version_text(CHAOS_ABI_MAJOR, CHAOS_ABI_MINOR);
  auto lib = PluginLibrary::load(path);  // says why a stamp is refused, naming both versions
  if (!stamp || stamp->magic != CHAOS_ABI_MAGIC || stamp->abi_major != CHAOS_ABI_MAJOR ||
      stamp->abi_minor > CHAOS_ABI_MINOR) {
    out.result("abi stamp", false, lib ? "refused" : lib.status().message());
    return;
  }
  out.result(
      "abi stamp", true,
      "ABI " + version_text(stamp->abi_major, stamp->abi_minor) + " (this chaosctl: " + ours + ")");

  out.begin("plugin table");
  if (!lib) {
    out.result("plugin table", false, lib.status().message());
    return;
  }
  const PluginLibrary& p = *lib.value();
  json::array kinds;
  std::set<std::string> seen;
  std::string problem;
  for (const auto& k : p.kinds()) {
    kinds.push_back(json::value(k.name));
    if (!seen.insert(k.name).second) problem = "two kinds are named '" + k.name + "'";
    if (k.summary.empty()) problem = "kind '" + k.name + "' has no summary";
  }
  if (p.kinds().empty()) problem = "the plugin declares no fault kinds";
  if (p.version().empty()) problem = "the plugin has no version";
  out.send({{"plugin",
             {{"name", p.name()},
              {"version", p.version()},
              {"abi", version_text(p.abi_major(), p.abi_minor())},
              {"kinds", kinds}}}});
  out.result("plugin table", problem.empty(),
             problem.empty()
                 ? p.name() + " " + p.version() + ", " + std::to_string(kinds.size()) + " kind(s)"
                 : problem);
}

void run_kind(const std::string& path, const std::string& kind, const json::object& overrides,
              Reporter& out) {
  auto lib = PluginLibrary::load(path);
  const FaultKind* k = nullptr;
  if (lib) {
    for (const auto& candidate : lib.value()->kinds()) k = candidate.name == kind ? &candidate : k;
  }
  if (!k) {
    out.result("load", false, lib ? "the kind vanished on a second load" : lib.status().message());
    return;
  }
  conformance::run_kind_checks(path, *k, overrides, out);
}

}  // namespace

ConformanceReport check_plugin(const std::string& given_path, const ConformanceOptions& options) {
  ConformanceReport report;
  report.path = given_path;
  // dlopen searches the library path for a bare name; "my.so" means the file here.
  std::error_code ec;
  const std::string absolute = std::filesystem::absolute(given_path, ec).string();
  const std::string& path = ec ? given_path : absolute;
  ChildOutcome loading =
      run_child([&](Reporter& out) { inspect(path, out); }, options.kind_timeout);
  collect(loading, "", report);
  for (const auto& line : loading.lines) {
    const auto* info = line.if_contains("plugin");
    if (!info || !info->is_object()) continue;
    const json::object& p = info->as_object();
    report.plugin_name = json::value_to<std::string>(p.at("name"));
    report.plugin_version = json::value_to<std::string>(p.at("version"));
    report.abi = json::value_to<std::string>(p.at("abi"));
    for (const auto& k : p.at("kinds").as_array()) report.kinds.emplace_back(k.as_string());
  }
  for (const auto& [kind, params] : options.params) {
    if (std::find(report.kinds.begin(), report.kinds.end(), kind) == report.kinds.end() &&
        !report.kinds.empty()) {
      report.results.push_back({"", "--params", false, "this plugin has no kind '" + kind + "'"});
    }
  }
  static const json::object kNone;
  for (const auto& kind : report.kinds) {
    const auto it = options.params.find(kind);
    const json::object& overrides = it == options.params.end() ? kNone : it->second;
    ChildOutcome child = run_child([&](Reporter& out) { run_kind(path, kind, overrides, out); },
                                   options.kind_timeout);
    collect(child, kind, report);
  }
  return report;
}

}  // namespace chaos::plugin_host
