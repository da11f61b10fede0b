#include "corpus/case_header.h"

#include <regex>
#include <sstream>

namespace chaos::test {
namespace {

// "exit 3" or "exit 3 or 4".
std::optional<std::vector<int>> parse_exits(const std::string& value) {
  static const std::regex grammar(R"(exit (\d+)((?: or \d+)*))");
  std::smatch m;
  if (!std::regex_match(value, m, grammar)) return std::nullopt;
  std::vector<int> exits{std::stoi(m[1])};
  static const std::regex more(R"( or (\d+))");
  const std::string rest = m[2];
  for (std::sregex_iterator it(rest.begin(), rest.end(), more), end; it != end; ++it)
    exits.push_back(std::stoi((*it)[1]));
  return exits;
}

CommandExpectation& command(CaseHeader& h, const std::string& name) {
  for (auto& c : h.commands)
    if (c.command == name) return c;
  return h.commands.emplace_back(CommandExpectation{name, {}, {}});
}

// `METHOD PATH` of a request line.
std::optional<RequestExpectation> parse_request(const std::string& api, const std::string& v) {
  const size_t space = v.find(' ');
  if (space == std::string::npos || v.find('/', space) != space + 1) return std::nullopt;
  RequestExpectation r;
  r.api = api;
  r.method = v.substr(0, space);
  r.path = v.substr(space + 1);
  return r;
}

// `METHOD /path JSON` of a setup line.
std::optional<SetupRequest> parse_setup(const std::string& v) {
  static const std::regex grammar(R"(([A-Z]+) (/\S*) (.+))");
  std::smatch m;
  if (!std::regex_match(v, m, grammar)) return std::nullopt;
  return SetupRequest{m[1], m[2], m[3]};
}

}  // namespace

std::optional<CaseHeader> parse_case_header(const std::string& text, std::string& error) {
  CaseHeader h;
  static const std::regex key_line(R"(-- ([a-z][a-z-]*): (.*))");
  std::istringstream in(text);
  std::string line;
  int number = 0;
  auto fail = [&](const std::string& why) {
    error = "line " + std::to_string(number) + ": " + why + ": " + line;
    return std::nullopt;
  };
  std::optional<int> status;
  std::optional<bool> token;
  std::optional<size_t> body_bytes;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("--", 0) != 0) {
      h.body = line + "\n";
      break;
    }
    std::smatch m;
    if (!std::regex_match(line, m, key_line)) continue;  // commentary
    const std::string key = m[1], value = m[2];
    if (key == "case") continue;
    if (key == "validate" || key == "run") {
      auto exits = parse_exits(value);
      if (!exits) return fail("expected 'exit N' or 'exit N or M'");
      command(h, key).exits = *exits;
    } else if (key == "expect") {
      h.messages.push_back(value);
    } else if (key == "validate-expect" || key == "run-expect") {
      command(h, key.substr(0, key.find('-'))).messages.push_back(value);
    } else if (key == "allow-target") {
      h.allow_targets.push_back(value);
    } else if (key == "within") {
      h.within_s = std::stoi(value);
    } else if (key == "sigterm-after") {
      h.sigterm_after = value;
    } else if (key == "stored") {
      if (value != "passed") return fail("'stored:' only takes 'passed'");
      h.may_pass = true;
    } else if (key == "request" || key == "toxiproxy-request") {
      h.request = parse_request(key == "request" ? "v1" : "toxiproxy", value);
      if (!h.request) return fail("expected 'METHOD /path'");
    } else if (key == "toxiproxy-setup") {
      auto setup = parse_setup(value);
      if (!setup) return fail("expected 'METHOD /path JSON'");
      h.toxiproxy_setup.push_back(*setup);
    } else if (key == "status") {
      status = std::stoi(value);
    } else if (key == "token") {
      if (value != "none") return fail("'token:' only takes 'none'");
      token = false;
    } else if (key == "body-bytes") {
      body_bytes = std::stoul(value);
    } else {
      return fail("unknown key '" + key + "'");
    }
  }
  for (std::string rest; std::getline(in, rest);) h.body += rest + "\n";

  for (const auto& c : h.commands)
    if (c.exits.empty()) {
      error = c.command + "-expect: without a '-- " + c.command + ": exit N' line";
      return std::nullopt;
    }
  if (!h.toxiproxy_setup.empty() && !h.request) {
    error = "toxiproxy-setup: without a request";
    return std::nullopt;
  }
  if (h.request) {
    if (!status) {
      error = "a request without a '-- status: N' line";
      return std::nullopt;
    }
    h.request->status = *status;
    h.request->token = token.value_or(true);
    h.request->body_bytes = body_bytes;
  }
  if (h.commands.empty() && !h.request) {
    error = "no '-- validate: exit N', '-- run: exit N' or '-- request: METHOD /path' line";
    return std::nullopt;
  }
  if (h.messages.empty()) {
    bool any = false;
    for (const auto& c : h.commands) any = any || !c.messages.empty();
    if (!any) {
      error = "no '-- expect: TEXT' line: a case must say what chaosctl answers";
      return std::nullopt;
    }
  }
  return h;
}

}  // namespace chaos::test
