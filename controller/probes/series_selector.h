#pragma once
// SeriesSelector: which series of a metric a computation reads, written as in PromQL:
//   shop_http_requests_total{path="/checkout",code=~"5.."}
// Matchers: `=` (equal), `!=`, `=~` (regex match), `!~` (regex does not match). As in
// PromQL, a regex must match the whole value (it is anchored), and a label a series does not
// have reads as "" (so `code!="200"` matches a series without `code`).
//
// Regexes use ECMAScript syntax (std::regex), not Go's RE2: the common forms (`5..`, `2..|3..`,
// `[45]..`, `.*foo.*`) mean the same in both; RE2-only syntax such as `(?i)` is rejected when
// the selector is parsed, never at match time.
//
// Thread-safety: immutable once parsed; matching is const and may run on any thread.

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "probes/exposition_parser.h"

namespace chaos::probes {

struct LabelMatcher {
  enum class Op { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };
  std::string label;
  Op op = Op::kEqual;
  std::string value;
  std::regex regex;  // compiled `value` for the regex ops

  bool matches(const Labels& labels) const;
  // Whether a series without this label (value "") would match.
  bool matches_empty() const;
};

struct SeriesSelector {
  std::string metric;  // the sample name; empty when the text had only matchers
  std::vector<LabelMatcher> matchers;

  bool matches(const Labels& labels) const;
  // Back to PromQL text, e.g. `x{code=~"5.."}`.
  std::string to_string() const;
};

// Parses `name`, `name{matchers}`, `{matchers}` or a bare matcher list `a="b",c=~"d"`.
// Values are double-quoted with the escapes \\, \" and \n. Errors name the position and the
// problem: `selector 'x{code=5}': the value of label 'code' must be in double quotes`.
Result<SeriesSelector> parse_series_selector(std::string_view text);

// Parses `metric` (a name, optionally with `{matchers}`) and appends the matchers in
// `extra` (with or without braces; may be empty) — the `metric` + `selector` pair of a
// probe's configuration.
Result<SeriesSelector> parse_series_selector(std::string_view metric, std::string_view extra);

}  // namespace chaos::probes
