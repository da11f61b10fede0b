#include "probes/series_selector.h"

namespace chaos::probes {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }
bool is_name_char(char c, bool first, bool allow_colon) {
  const bool letter =
      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
  return letter || (!first && c >= '0' && c <= '9');
}

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  Result<SeriesSelector> parse() {
    SeriesSelector selector;
    skip_blanks();
    // A bare matcher list starts with a label name followed by an operator.
    const size_t start = pos_;
    std::string name = read_name(true);
    skip_blanks();
    const bool bare_list = !name.empty() && (peek() == '=' || peek() == '!');
    if (bare_list) {
      pos_ = start;
      Status status = parse_matchers(selector, '\0');
      if (!status) return status;
      return selector;
    }
    selector.metric = std::move(name);
    if (peek() == '{') {
      ++pos_;
      Status status = parse_matchers(selector, '}');
      if (!status) return status;
    }
    skip_blanks();
    if (pos_ < text_.size()) return error("unexpected '" + std::string(text_.substr(pos_)) + "'");
    if (selector.metric.empty() && selector.matchers.empty()) return error("it is empty");
    return selector;
  }

 private:
  // Matchers up to `close` ('}', or '\0' for the end of the text); a trailing comma is allowed.
  Status parse_matchers(SeriesSelector& selector, char close) {
    for (;;) {
      skip_blanks();
      if (close != '\0' && peek() == close) {
        ++pos_;
        return Status::ok();
      }
      if (pos_ >= text_.size()) {
        return close == '\0' ? Status::ok() : error("missing '}'");
      }
      LabelMatcher matcher;
      matcher.label = read_name(false);
      if (matcher.label.empty()) return error("expected a label name at offset " + at());
      skip_blanks();
      if (!read_op(matcher.op)) {
        return error("expected =, !=, =~ or !~ after label '" + matcher.label + "'");
      }
      skip_blanks();
      if (peek() != '"') {
        return error("the value of label '" + matcher.label + "' must be in double quotes");
      }
      ++pos_;
      Status status = read_value(matcher);
      if (!status) return status;
      if (matcher.op == LabelMatcher::Op::kRegexMatch ||
          matcher.op == LabelMatcher::Op::kRegexNoMatch) {
        try {
          matcher.regex = std::regex(matcher.value, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          return error("invalid regex \"" + matcher.value + "\" for label '" + matcher.label +
                       "': " + e.what());
        }
      }
      selector.matchers.push_back(std::move(matcher));
      skip_blanks();
      if (peek() == ',') {
        ++pos_;
      } else if (!(close != '\0' && peek() == close) && pos_ < text_.size()) {
        return error("expected ',' or '" + std::string(1, close ? close : ',') + "' at offset " +
                     at());
      }
    }
  }

  bool read_op(LabelMatcher::Op& op) {
    const std::string_view rest = text_.substr(pos_);
    using Op = LabelMatcher::Op;
    const std::pair<std::string_view, Op> ops[] = {{"=~", Op::kRegexMatch},
                                                   {"!~", Op::kRegexNoMatch},
                                                   {"!=", Op::kNotEqual},
                                                   {"=", Op::kEqual}};
    for (const auto& [text, value] : ops) {
      if (rest.substr(0, text.size()) == text) {
        pos_ += text.size();
        op = value;
        return true;
      }
    }
    return false;
  }

  Status read_value(LabelMatcher& matcher) {
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return Status::ok();
      if (c != '\\') {
        matcher.value += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      if (e == 'n') {
        matcher.value += '\n';
      } else if (e == '\\' || e == '"') {
        matcher.value += e;
      } else {
        // Regexes need their backslashes (`\d`); keep unknown escapes as written.
        matcher.value += '\\';
        matcher.value += e;
      }
    }
    return error("unterminated value of label '" + matcher.label + "'");
  }

  std::string read_name(bool allow_colon) {
    const size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_], pos_ == start, allow_colon)) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  std::string at() const { return std::to_string(pos_); }
  Status error(const std::string& what) const {
    return Status::invalid_argument("selector '" + std::string(text_) + "': " + what);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string escape_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;  // backslashes stay as written, so regexes round-trip
    }
  }
  return out;
}

}  // namespace

bool LabelMatcher::matches(const Labels& labels) const {
  const auto it = labels.find(label);
  const std::string& actual = it == labels.end() ? std::string() : it->second;
  switch (op) {
    case Op::kEqual:
      return actual == value;
    case Op::kNotEqual:
      return actual != value;
    case Op::kRegexMatch:
    case Op::kRegexNoMatch:
      break;
  }
  // std::regex may throw on inputs too complex for it; a probe thread must not die of that,
  // so such a value counts as not matching.
  bool matched = false;
  try {
    matched = std::regex_match(actual, regex);
  } catch (const std::regex_error&) {
    return false;
  }
  return op == Op::kRegexMatch ? matched : !matched;
}

bool LabelMatcher::matches_empty() const { return matches(Labels{}); }

bool SeriesSelector::matches(const Labels& labels) const {
  for (const auto& m : matchers) {
    if (!m.matches(labels)) return false;
  }
  return true;
}

std::string SeriesSelector::to_string() const {
  std::string out = metric;
  if (matchers.empty()) return out;
  out += '{';
  for (size_t i = 0; i < matchers.size(); ++i) {
    const auto& m = matchers[i];
    if (i) out += ',';
    static const char* const kOps[] = {"=", "!=", "=~", "!~"};
    out += m.label + kOps[static_cast<int>(m.op)] + "\"" + escape_value(m.value) + "\"";
  }
  return out + '}';
}

Result<SeriesSelector> parse_series_selector(std::string_view text) {
  return SelectorParser(text).parse();
}

Result<SeriesSelector> parse_series_selector(std::string_view metric, std::string_view extra) {
  auto selector = parse_series_selector(metric);
  if (!selector) return selector;
  if (selector->metric.empty()) {
    return Status::invalid_argument("metric '" + std::string(metric) + "': expected a metric name");
  }
  const auto blank = extra.find_first_not_of(" \t\n");
  if (blank == std::string_view::npos) return selector;
  auto more = parse_series_selector(extra);
  if (!more) return more;
  if (!more->metric.empty()) {
    return Status::invalid_argument("selector '" + std::string(extra) +
                                    "': expected label matchers only, found the metric name '" +
                                    more->metric + "'");
  }
  for (auto& m : more->matchers) selector->matchers.push_back(std::move(m));
  return selector;
}

}  // namespace chaos::probes
