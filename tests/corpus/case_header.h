#pragma once
// The header of a corpus case: the `-- key: value` comment lines at the top of a case file that
// say what chaosctl must answer (tests/corpus/README.md has the grammar). Parsing only; the
// runner (corpus_case_test.cpp) does the running.

#include <optional>
#include <string>
#include <vector>

namespace chaos::test {

// One chaosctl command the case runs (`validate` or `run`) and the exit codes it may give.
struct CommandExpectation {
  std::string command;
  std::vector<int> exits;             // "exit 3 or 4": either is right
  std::vector<std::string> messages;  // COMMAND-expect: only this command must print these
};

// One request to a real `chaosctl serve` (API cases).
struct RequestExpectation {
  std::string api;     // "v1" (the JSON API) or "toxiproxy" (the Toxiproxy-compatible API)
  std::string method;  // POST, GET, ...
  std::string path;    // /api/v1/runs
  int status = 0;
  bool token = true;  // send Authorization: Bearer (the `-- no-token` line turns it off)
  std::optional<size_t> body_bytes;  // body-bytes: N replaces the body by N bytes
};

// A request sent before the case's own one, which must succeed (2xx): `-- toxiproxy-setup:
// METHOD /path JSON`, e.g. a proxy for a toxic case to act on.
struct SetupRequest {
  std::string method, path, body;
};

struct CaseHeader {
  std::vector<CommandExpectation> commands;
  std::optional<RequestExpectation> request;
  std::vector<SetupRequest> toxiproxy_setup;  // sent in order before `request`
  std::vector<std::string> messages;  // expect: every command (or the response) prints these
  int within_s = 30;                  // each command ends within this: no hang
  // sigterm-after: SECONDS (a number) or "connect" (once something connects to ${SILENT}).
  std::optional<std::string> sigterm_after;
  bool may_pass = false;  // stored: passed — the case may store a passed run
  // allow-target: RULE, repeatable: given to validate and run as --allow-target RULE, so a
  // blast-radius case can be refused by a narrower allowlist without naming an outside address.
  std::vector<std::string> allow_targets;
  std::string body;  // the rest of the file after the header
};

// Parses `text` (a whole case file). An unknown `-- key:` (lowercase, at the start of the
// file) is an error, so a misspelt expectation cannot silently check nothing.
// Returns nullopt and sets `error` when the header is malformed.
std::optional<CaseHeader> parse_case_header(const std::string& text, std::string& error);

}  // namespace chaos::test
