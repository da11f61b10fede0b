#include "probes/exposition_parser.h"

#include <charconv>
#include <cstdlib>
#include <unordered_map>

namespace chaos::probes {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::optional<MetricType> parse_type(std::string_view word) {
  if (word == "counter") return MetricType::kCounter;
  if (word == "gauge") return MetricType::kGauge;
  if (word == "histogram") return MetricType::kHistogram;
  if (word == "summary") return MetricType::kSummary;
  if (word == "untyped") return MetricType::kUntyped;
  return std::nullopt;
}

// For error messages: at most 40 characters of what was found.
std::string quote(std::string_view text) {
  if (text.empty()) return "the end of the line";
  if (text.size() > 40) return "'" + std::string(text.substr(0, 40)) + "...'";
  return "'" + std::string(text) + "'";
}

// Reads one line left to right. Every failure is a message without the line number; the
// caller adds it.
class LineReader {
 public:
  explicit LineReader(std::string_view line) : line_(line) {}

  bool at_end() const { return pos_ >= line_.size(); }
  char peek() const { return at_end() ? '\0' : line_[pos_]; }
  void skip_blanks() {
    while (!at_end() && is_blank(line_[pos_])) ++pos_;
  }
  std::string_view rest() const { return line_.substr(std::min(pos_, line_.size())); }
  bool consume(char c) {
    if (peek() != c || at_end()) return false;
    ++pos_;
    return true;
  }

  // A token up to the next blank (or the end of the line).
  std::string_view token() {
    const size_t start = pos_;
    while (!at_end() && !is_blank(line_[pos_])) ++pos_;
    return line_.substr(start, pos_ - start);
  }

  // [a-zA-Z_:][a-zA-Z0-9_:]* for metric names, without ':' for label names.
  std::string_view name(bool allow_colon) {
    const size_t start = pos_;
    auto ok = [&](char c, bool first) {
      return (first ? is_name_start(c) : is_name_char(c)) || (allow_colon && c == ':');
    };
    while (!at_end() && ok(line_[pos_], pos_ == start)) ++pos_;
    return line_.substr(start, pos_ - start);
  }

  // Reads a quoted label value after its opening quote; unescapes \\, \" and \n.
  Result<std::string> label_value(std::string_view label) {
    std::string out;
    while (!at_end()) {
      const char c = line_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) break;
      const char e = line_[pos_++];
      if (e == '\\' || e == '"') {
        out += e;
      } else if (e == 'n') {
        out += '\n';
      } else {
        return Status::invalid_argument("invalid escape '\\" + std::string(1, e) +
                                        "' in the value of label '" + std::string(label) +
                                        "' (only \\\\, \\\" and \\n)");
      }
    }
    return Status::invalid_argument("unterminated label value of label '" + std::string(label) +
                                    "'");
  }

  // `{name="value",...}` after the opening brace; a trailing comma is allowed.
  Result<Labels> labels() {
    Labels out;
    for (;;) {
      skip_blanks();
      if (peek() == '}') {
        ++pos_;
        return out;
      }
      if (at_end()) return Status::invalid_argument("unterminated label set (missing '}')");
      const std::string_view label = name(false);
      if (label.empty()) {
        return Status::invalid_argument("expected a label name, found " + quote(rest()));
      }
      skip_blanks();
      if (peek() != '=') {
        return Status::invalid_argument("expected '=' after label name '" + std::string(label) +
                                        "', found " + quote(rest()));
      }
      ++pos_;
      skip_blanks();
      if (peek() != '"') {
        return Status::invalid_argument("the value of label '" + std::string(label) +
                                        "' must be in double quotes, found " + quote(rest()));
      }
      ++pos_;
      auto value = label_value(label);
      if (!value) return value.status();
      if (!out.emplace(std::string(label), std::move(value.value())).second) {
        return Status::invalid_argument("duplicate label '" + std::string(label) + "'");
      }
      skip_blanks();
      if (peek() == ',') {
        ++pos_;
      } else if (at_end()) {
        return Status::invalid_argument("unterminated label set (missing '}')");
      } else if (peek() != '}') {
        return Status::invalid_argument("expected ',' or '}' after the value of label '" +
                                        std::string(label) + "', found " + quote(rest()));
      }
    }
  }

 private:
  std::string_view line_;
  size_t pos_ = 0;
};

// Unescapes HELP text: "\\" and "\n". Unknown escapes are kept as written; HELP is for people.
std::string unescape_help(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == 'n')) {
      out += text[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string series_key(const std::string& name, const Labels& labels) {
  std::string key = name;
  for (const auto& [label, value] : labels) {
    key += '\0' + label + '\0' + value;
  }
  return key;
}

class Parser {
 public:
  Result<Exposition> parse(std::string_view text) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_number_;
      Status status = parse_line(line);
      if (!status) {
        return Status::invalid_argument("line " + std::to_string(line_number_) + ": " +
                                        status.message());
      }
      start = end + 1;
    }
    return std::move(exposition_);
  }

 private:
  struct FamilyState {
    size_t index = 0;
    bool typed = false, helped = false, has_samples = false;
  };

  Status parse_line(std::string_view line) {
    LineReader reader(line);
    reader.skip_blanks();
    if (reader.at_end()) return Status::ok();
    if (reader.peek() == '#') return parse_comment(reader);
    return parse_sample(reader);
  }

  Status parse_comment(LineReader& reader) {
    reader.consume('#');
    reader.skip_blanks();
    const std::string_view keyword = reader.token();
    if (keyword != "HELP" && keyword != "TYPE") return Status::ok();  // a plain comment
    reader.skip_blanks();
    const std::string_view name = reader.name(true);
    if (name.empty()) {
      return Status::invalid_argument("expected a metric name after # " + std::string(keyword) +
                                      ", found " + quote(reader.rest()));
    }
    if (!reader.at_end() && !is_blank(reader.peek())) {
      return Status::invalid_argument("invalid character in metric name: " + quote(reader.rest()));
    }
    FamilyState& state = family_state(name);
    MetricFamily& family = exposition_.families[state.index];
    if (keyword == "HELP") {
      if (state.helped)
        return Status::invalid_argument("second HELP line for '" + family.name + "'");
      state.helped = true;
      reader.skip_blanks();
      family.help = unescape_help(reader.rest());
      return Status::ok();
    }
    reader.skip_blanks();
    const std::string_view word = reader.token();
    reader.skip_blanks();
    if (word.empty()) return Status::invalid_argument("# TYPE '" + family.name + "' has no type");
    const auto type = parse_type(word);
    if (!type) {
      return Status::invalid_argument("unknown metric type " + quote(word) +
                                      " (expected counter, gauge, histogram, summary or untyped)");
    }
    if (!reader.at_end()) {
      return Status::invalid_argument("unexpected text after the type: " + quote(reader.rest()));
    }
    if (state.typed) return Status::invalid_argument("second TYPE line for '" + family.name + "'");
    if (state.has_samples) {
      return Status::invalid_argument("TYPE line for '" + family.name + "' after its samples");
    }
    state.typed = true;
    family.type = *type;
    return Status::ok();
  }

  Status parse_sample(LineReader& reader) {
    const std::string name(reader.name(true));
    if (name.empty()) {
      return Status::invalid_argument("expected a metric name, found " + quote(reader.rest()));
    }
    if (!reader.at_end() && !is_blank(reader.peek()) && reader.peek() != '{') {
      return Status::invalid_argument("invalid character in metric name: " + quote(reader.rest()));
    }
    reader.skip_blanks();
    Labels labels;
    if (reader.consume('{')) {
      auto parsed = reader.labels();
      if (!parsed) return parsed.status();
      labels = std::move(parsed.value());
      reader.skip_blanks();
    }
    if (reader.at_end()) return Status::invalid_argument("sample '" + name + "' has no value");
    const std::string_view value_token = reader.token();
    const auto value = parse_metric_value(value_token);
    if (!value) {
      return Status::invalid_argument("invalid value " + quote(value_token) + " for '" + name +
                                      "'");
    }
    MetricSample sample{name, std::move(labels), *value, std::nullopt};
    reader.skip_blanks();
    if (!reader.at_end()) {
      const std::string_view ts_token = reader.token();
      int64_t ts = 0;
      auto [end, ec] = std::from_chars(ts_token.data(), ts_token.data() + ts_token.size(), ts);
      if (ec != std::errc() || end != ts_token.data() + ts_token.size()) {
        return Status::invalid_argument("invalid timestamp " + quote(ts_token) + " for '" + name +
                                        "' (expected integer milliseconds)");
      }
      sample.timestamp_ms = ts;
      reader.skip_blanks();
      if (!reader.at_end()) {
        return Status::invalid_argument("unexpected text after the timestamp: " +
                                        quote(reader.rest()));
      }
    }
    return add_sample(std::move(sample));
  }

  Status add_sample(MetricSample sample) {
    const std::string family_name = family_for(sample.name);
    FamilyState& state = family_state(family_name);
    MetricFamily& family = exposition_.families[state.index];
    const bool bare = sample.name == family.name;
    if (family.type == MetricType::kHistogram) {
      if (bare) {
        return Status::invalid_argument("histogram '" + family.name +
                                        "' sample needs a suffix _bucket, _sum or _count");
      }
      if (ends_with(sample.name, "_bucket")) {
        Status status = check_bound(sample, "le");
        if (!status) return status;
      }
    } else if (family.type == MetricType::kSummary && bare) {
      Status status = check_bound(sample, "quantile");
      if (!status) return status;
    }
    const std::string key = series_key(sample.name, sample.labels);
    const auto [seen, inserted] = series_lines_.emplace(key, line_number_);
    if (!inserted) {
      return Status::invalid_argument("duplicate sample for '" + sample.name +
                                      "' with the same labels (first on line " +
                                      std::to_string(seen->second) + ")");
    }
    state.has_samples = true;
    family.samples.push_back(std::move(sample));
    return Status::ok();
  }

  // A histogram bucket needs `le`, a summary quantile needs `quantile`, each a number.
  Status check_bound(const MetricSample& sample, const std::string& label) {
    const auto it = sample.labels.find(label);
    if (it == sample.labels.end()) {
      return Status::invalid_argument("'" + sample.name + "' has no '" + label + "' label");
    }
    if (!parse_metric_value(it->second)) {
      return Status::invalid_argument("'" + sample.name + "' has a non-numeric " + label + "=\"" +
                                      it->second + "\"");
    }
    return Status::ok();
  }

  // Which family a sample name belongs to: a typed histogram or summary claims its suffixed
  // samples; anything else is its own family.
  std::string family_for(const std::string& sample_name) const {
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (!ends_with(sample_name, suffix)) continue;
      const std::string base = sample_name.substr(0, sample_name.size() - suffix.size());
      const auto it = states_.find(base);
      if (it == states_.end()) continue;
      const MetricType type = exposition_.families[it->second.index].type;
      if (type == MetricType::kHistogram || (type == MetricType::kSummary && suffix != "_bucket")) {
        return base;
      }
    }
    return sample_name;
  }

  FamilyState& family_state(std::string_view name) {
    auto [it, inserted] = states_.try_emplace(std::string(name));
    if (inserted) {
      it->second.index = exposition_.families.size();
      exposition_.families.push_back(MetricFamily{std::string(name), MetricType::kUntyped, {}, {}});
    }
    return it->second;
  }

  Exposition exposition_;
  std::unordered_map<std::string, FamilyState> states_;
  std::unordered_map<std::string, size_t> series_lines_;  // series key -> first line
  size_t line_number_ = 0;
};

}  // namespace

std::string_view metric_type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

std::optional<double> parse_metric_value(std::string_view token) {
  std::string_view digits = token;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.front() == '+' || (digits.front() == '-' && digits != token)) {
    return std::nullopt;  // empty, "++1" or "+-1"
  }
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value,
                                   std::chars_format::general);
  if (end != digits.data() + digits.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Go's ParseFloat answers ±Inf (or ±0 for underflow) here; strtod does the same.
    return std::strtod(std::string(digits).c_str(), nullptr);
  }
  if (ec != std::errc()) return std::nullopt;
  return value;
}

const MetricFamily* Exposition::family(std::string_view name) const {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const MetricFamily* Exposition::family_of_sample(std::string_view sample_name) const {
  // The same rule as the parser's: a histogram or summary claims its suffixed samples first.
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (!ends_with(sample_name, suffix)) continue;
    const MetricFamily* f = family(sample_name.substr(0, sample_name.size() - suffix.size()));
    if (f && (f->type == MetricType::kHistogram ||
              (f->type == MetricType::kSummary && suffix != "_bucket"))) {
      return f;
    }
  }
  return family(sample_name);
}

std::vector<const MetricSample*> Exposition::samples_named(std::string_view sample_name) const {
  std::vector<const MetricSample*> out;
  const MetricFamily* f = family_of_sample(sample_name);
  if (!f) return out;
  for (const auto& s : f->samples) {
    if (s.name == sample_name) out.push_back(&s);
  }
  return out;
}

Result<Exposition> parse_exposition(std::string_view text) { return Parser().parse(text); }

}  // namespace chaos::probes
