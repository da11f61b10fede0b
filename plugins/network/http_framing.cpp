#include "http_framing.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace chaos::network {

namespace {

constexpr size_t kMaxMethod = 32;
constexpr size_t kMaxLine = 16 * 1024;  // a size or trailer line of a chunked body, a start line

bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(token) for each comma-separated, trimmed, non-empty element of a header value.
template <typename Fn>
void for_each_token(std::string_view value, Fn fn) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// The head's lines, without line ends; the blank line that ends it is not included.
std::vector<std::string_view> split_lines(std::string_view head) {
  std::vector<std::string_view> lines;
  while (!head.empty()) {
    const size_t lf = head.find('\n');
    std::string_view line = head.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() && !lines.empty()) break;  // the blank line
    if (!line.empty()) lines.push_back(line);   // blank lines before a request are ignored
    if (lf == std::string_view::npos) break;
    head.remove_prefix(lf + 1);
  }
  return lines;
}

// The framing headers shared by requests and responses. False if they contradict each other.
struct FramingHeaders {
  std::optional<uint64_t> content_length;
  bool has_transfer_encoding = false;
  bool chunked = false;  // chunked is the last transfer coding
  bool connection_close = false;
  bool connection_keep_alive = false;
  bool expect_continue = false;
  bool upgrade = false;
};

bool parse_content_length(std::string_view value, std::optional<uint64_t>& out) {
  bool ok = true;
  for_each_token(value, [&](std::string_view item) {
    uint64_t n = 0;
    for (const char c : item) {
      if (c < '0' || c > '9' || n > (UINT64_MAX - 9) / 10) {
        ok = false;
        return;
      }
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    if (out && *out != n) ok = false;  // two different lengths: request smuggling territory
    out = n;
  });
  return ok && out.has_value();
}

bool parse_headers(const std::vector<std::string_view>& lines, FramingHeaders& h) {
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (line.front() == ' ' || line.front() == '\t') continue;  // obsolete line folding
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return false;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      if (!parse_content_length(value, h.content_length)) return false;
    } else if (iequals(name, "transfer-encoding")) {
      h.has_transfer_encoding = true;
      for_each_token(value,
                     [&](std::string_view coding) { h.chunked = iequals(coding, "chunked"); });
    } else if (iequals(name, "connection")) {
      for_each_token(value, [&](std::string_view option) {
        h.connection_close = h.connection_close || iequals(option, "close");
        h.connection_keep_alive = h.connection_keep_alive || iequals(option, "keep-alive");
      });
    } else if (iequals(name, "expect")) {
      h.expect_continue = iequals(value, "100-continue");
    } else if (iequals(name, "upgrade")) {
      h.upgrade = true;
    }
  }
  return true;
}

std::optional<int> parse_version(std::string_view v) {
  if (v == "HTTP/1.1") return 1;
  if (v == "HTTP/1.0") return 0;
  return std::nullopt;
}

std::string path_of(std::string_view target) {
  if (!target.empty() && target.front() == '/') return std::string(target);
  const size_t scheme = target.find("://");
  if (scheme == std::string_view::npos) return std::string(target);  // "*" or authority-form
  const size_t slash = target.find('/', scheme + 3);
  return slash == std::string_view::npos ? "/" : std::string(target.substr(slash));
}

}  // namespace

size_t find_head_end(std::string_view buffer, size_t from) {
  for (size_t i = buffer.find('\n', from); i != std::string_view::npos;
       i = buffer.find('\n', i + 1)) {
    if (i + 1 < buffer.size() && buffer[i + 1] == '\n') return i + 2;
    if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

bool plausible_request_start(std::string_view partial) {
  while (!partial.empty() && (partial.front() == '\r' || partial.front() == '\n'))
    partial.remove_prefix(1);
  const size_t space = partial.find(' ');
  const std::string_view method = partial.substr(0, space);
  if (method.size() > kMaxMethod || !std::all_of(method.begin(), method.end(), is_tchar))
    return false;
  if (space == std::string_view::npos) return true;
  const std::string_view rest = partial.substr(space + 1);
  const size_t line_end = rest.find('\n');
  if (line_end == std::string_view::npos) {
    // Still in the target or the version: no control characters, and not endless.
    return rest.size() <= kMaxLine && std::none_of(rest.begin(), rest.end(), [](char c) {
             return static_cast<unsigned char>(c) < 0x20 && c != '\r';
           });
  }
  // A whole first line: it must end in the version, or this is some other protocol.
  std::string_view line = rest.substr(0, line_end);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const size_t last_space = line.rfind(' ');
  return last_space != std::string_view::npos && last_space > 0 &&
         parse_version(line.substr(last_space + 1)).has_value();
}

std::optional<RequestHead> parse_request_head(std::string_view head) {
  const std::vector<std::string_view> lines = split_lines(head);
  if (lines.empty()) return std::nullopt;
  const std::string_view line = lines[0];
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  RequestHead r;
  r.method = std::string(line.substr(0, sp1));
  r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  const auto version = parse_version(line.substr(sp2 + 1));
  if (!is_token(r.method) || r.target.empty() || !version) return std::nullopt;
  if (r.target.find(' ') != std::string::npos) return std::nullopt;
  r.minor_version = *version;
  r.path = path_of(r.target);

  FramingHeaders h;
  if (!parse_headers(lines, h)) return std::nullopt;
  if (h.has_transfer_encoding) {
    if (!h.chunked) return std::nullopt;  // a request body must be chunked last (RFC 9112 6.3)
    r.chunked = true;
  } else {
    r.content_length = h.content_length;
  }
  r.keep_alive = r.minor_version == 1 ? !h.connection_close : h.connection_keep_alive;
  r.expect_continue = h.expect_continue;
  r.upgrade = h.upgrade || r.method == "CONNECT";
  return r;
}

std::optional<ResponseHead> parse_response_head(std::string_view head) {
  const std::vector<std::string_view> lines = split_lines(head);
  if (lines.empty()) return std::nullopt;
  const std::string_view line = lines[0];
  const size_t sp = line.find(' ');
  if (sp == std::string_view::npos || !parse_version(line.substr(0, sp))) return std::nullopt;
  const std::string_view code = line.substr(sp + 1, 3);
  if (code.size() != 3 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  ResponseHead r;
  r.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  FramingHeaders h;
  if (!parse_headers(lines, h)) return std::nullopt;
  r.chunked = h.has_transfer_encoding && h.chunked;
  // A response with another transfer coding is delimited by the close (no length, not chunked).
  if (!h.has_transfer_encoding) r.content_length = h.content_length;
  return r;
}

size_t BodyFramer::consume(const char* data, size_t n) {
  switch (mode_) {
    case Mode::kNone:
      return 0;
    case Mode::kUntilClose:
      return n;
    case Mode::kLength: {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, n));
      remaining_ -= take;
      if (remaining_ == 0) mode_ = Mode::kNone;
      return take;
    }
    case Mode::kChunked:
      return consume_chunked(data, n);
  }
  return 0;
}

bool BodyFramer::end_size_line() {
  std::string_view line(line_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  line = line.substr(0, line.find(';'));  // chunk extensions
  line = trim(line);
  if (line.empty() || line.size() > 15) return false;
  uint64_t size = 0;
  for (const char c : line) {
    const int digit = std::isdigit(static_cast<unsigned char>(c))
                          ? c - '0'
                          : (std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    if (digit < 0 || digit > 15) return false;
    size = size * 16 + static_cast<uint64_t>(digit);
  }
  line_.clear();
  remaining_ = size;
  state_ = size == 0 ? State::kTrailer : State::kData;
  return true;
}

size_t BodyFramer::consume_chunked(const char* data, size_t n) {
  size_t i = 0;
  while (i < n && mode_ == Mode::kChunked && !failed_) {
    switch (state_) {
      case State::kData: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, n - i));
        remaining_ -= take;
        i += take;
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd:  // the CRLF after a chunk's data
        if (data[i] == '\n') {
          state_ = State::kSize;
        } else if (data[i] != '\r') {
          failed_ = true;
        }
        ++i;
        break;
      case State::kSize:
      case State::kTrailer: {
        const char c = data[i++];
        if (c != '\n') {
          line_.push_back(c);
          if (line_.size() > kMaxLine) failed_ = true;
          break;
        }
        if (state_ == State::kSize) {
          if (!end_size_line()) failed_ = true;
        } else {
          const bool blank = line_.empty() || line_ == "\r";
          line_.clear();
          if (blank) mode_ = Mode::kNone;  // the blank line after the trailers: the end
        }
        break;
      }
    }
  }
  return i;
}

}  // namespace chaos::network
