#include "response_parser.h"

#include <strings.h>

#include <algorithm>

namespace chaos::load {
namespace {

constexpr size_t kMaxHead = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

void ResponseParser::reset(bool head_request) noexcept {
  state_ = State::kHead;
  line_.clear();
  head_request_ = head_request;
  status_ = 0;
  keep_alive_ = true;
  remaining_ = 0;
}

ResponseParser::Result ResponseParser::parse_head() {
  std::string_view head(line_);
  size_t pos = head.find("\r\n");
  std::string_view status_line = head.substr(0, pos);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return Result::kError;
  const bool http10 = status_line.substr(5, 3) == "1.0";
  keep_alive_ = !http10;
  status_ = 0;
  for (size_t i = 9; i < 12; ++i) {
    const char c = status_line[i];
    if (c < '0' || c > '9') return Result::kError;
    status_ = status_ * 10 + (c - '0');
  }
  bool chunked = false;
  bool has_length = false;
  uint64_t length = 0;
  while (pos != std::string_view::npos) {
    const size_t start = pos + 2;
    pos = head.find("\r\n", start);
    std::string_view line = head.substr(start, pos == std::string_view::npos ? head.npos : pos - start);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      has_length = true;
      length = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return Result::kError;
        length = length * 10 + static_cast<uint64_t>(c - '0');
      }
    } else if (iequals(name, "transfer-encoding")) {
      chunked = value.size() >= 7 && iequals(value.substr(value.size() - 7), "chunked");
    } else if (iequals(name, "connection")) {
      if (iequals(value, "close")) keep_alive_ = false;
      if (iequals(value, "keep-alive")) keep_alive_ = true;
    }
  }
  line_.clear();
  if (head_request_ || status_ / 100 == 1 || status_ == 204 || status_ == 304) {
    state_ = State::kDone;
  } else if (chunked) {
    state_ = State::kChunkSize;
  } else if (has_length) {
    remaining_ = length;
    state_ = length == 0 ? State::kDone : State::kBody;
  } else {
    keep_alive_ = false;
    state_ = State::kUntilClose;
  }
  return Result::kNeedMore;
}

ResponseParser::Result ResponseParser::feed(const char* data, size_t len, size_t& used) {
  used = 0;
  while (used < len && state_ != State::kDone) {
    switch (state_) {
      case State::kHead: {
        // Append up to the end of the head; look for the blank line across the boundary.
        const size_t before = line_.size();
        line_.append(data + used, len - used);
        const size_t from = before >= 3 ? before - 3 : 0;
        const size_t end = line_.find("\r\n\r\n", from);
        if (end == std::string::npos) {
          if (line_.size() > kMaxHead) return Result::kError;
          used = len;
          return Result::kNeedMore;
        }
        used += end + 4 - before;
        line_.resize(end + 2);
        if (parse_head() == Result::kError) return Result::kError;
        break;
      }
      case State::kBody: {
        const uint64_t take = std::min<uint64_t>(remaining_, len - used);
        used += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDone;
        break;
      }
      case State::kUntilClose:
        used = len;
        break;
      case State::kChunkSize:
      case State::kChunkDataEnd:
      case State::kTrailer: {
        const char c = data[used++];
        if (c != '\n') {
          if (line_.size() > 1024) return Result::kError;
          line_.push_back(c);
          break;
        }
        std::string_view line = trim(line_);
        if (state_ == State::kChunkDataEnd) {
          if (!line.empty()) return Result::kError;
          state_ = State::kChunkSize;
        } else if (state_ == State::kTrailer) {
          if (line.empty()) state_ = State::kDone;
        } else {
          uint64_t size = 0;
          size_t digits = 0;
          for (char h : line) {
            int v;
            if (h >= '0' && h <= '9') v = h - '0';
            else if (h >= 'a' && h <= 'f') v = h - 'a' + 10;
            else if (h >= 'A' && h <= 'F') v = h - 'A' + 10;
            else break;  // chunk extensions
            size = size * 16 + static_cast<uint64_t>(v);
            if (++digits > 15) return Result::kError;
          }
          if (digits == 0) return Result::kError;
          remaining_ = size;
          state_ = size == 0 ? State::kTrailer : State::kChunkData;
        }
        line_.clear();
        break;
      }
      case State::kChunkData: {
        const uint64_t take = std::min<uint64_t>(remaining_, len - used);
        used += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kChunkDataEnd;
        break;
      }
      case State::kDone:
        break;
    }
  }
  return state_ == State::kDone ? Result::kComplete : Result::kNeedMore;
}

ResponseParser::Result ResponseParser::on_eof() noexcept {
  if (state_ == State::kUntilClose || state_ == State::kDone) {
    state_ = State::kDone;
    return Result::kComplete;
  }
  return Result::kError;
}

}  // namespace chaos::load
