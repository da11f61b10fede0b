#pragma once
// HTTP/1.x message framing, just enough to find where each request and response begins and
// ends on a kept-alive (and pipelined) connection: the start line, the headers the framing
// depends on (Content-Length, Transfer-Encoding, Connection, Expect, Upgrade), and the body
// length, including chunked bodies. Nothing is decoded or rewritten: the proxy forwards the
// original bytes.
//
// Pure functions and small state machines; no sockets. Anything that is not well-formed
// HTTP/1.0 or 1.1 is reported as such (nullopt / failed()), and the caller stops following
// that connection rather than guess.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chaos::network {

// A header block longer than this is not followed (the caller gives up on the connection).
inline constexpr size_t kMaxHttpHead = 64 * 1024;

struct RequestHead {
  std::string method;
  std::string target;
  std::string path;  // the target's path and query ("/api/x?y"), also for absolute-form targets
  int minor_version = 1;
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;  // after this exchange, by the request's own say
  bool expect_continue = false;
  bool upgrade = false;  // Upgrade header or CONNECT: the connection may stop being HTTP
};

struct ResponseHead {
  int status = 0;
  std::optional<uint64_t> content_length;
  bool chunked = false;
};

// The offset just past the blank line that ends a header block in `buffer`, looking from
// `from` (the caller passes where the previous search stopped, minus 3, to catch a boundary
// split across reads), or npos. Accepts CRLF and bare LF line ends.
size_t find_head_end(std::string_view buffer, size_t from);

// Whether `partial` (the bytes seen so far of a request that has not ended its first line) can
// still become a request line. False as soon as it cannot, so a non-HTTP protocol is given up
// on at its first bytes instead of being held.
bool plausible_request_start(std::string_view partial);

std::optional<RequestHead> parse_request_head(std::string_view head);
std::optional<ResponseHead> parse_response_head(std::string_view head);

// The length of one message body, as it passes: by Content-Length, chunked (sizes, extensions
// and trailers), or until the connection closes.
class BodyFramer {
 public:
  void none() { mode_ = Mode::kNone; }
  void length(uint64_t n) { mode_ = n == 0 ? Mode::kNone : Mode::kLength, remaining_ = n; }
  void chunked() { mode_ = Mode::kChunked, state_ = State::kSize, line_.clear(); }
  void until_close() { mode_ = Mode::kUntilClose; }

  // How many of the `n` bytes at `data` belong to the body (the rest is the next message).
  size_t consume(const char* data, size_t n);
  bool done() const { return mode_ == Mode::kNone; }
  bool failed() const { return failed_; }

 private:
  enum class Mode { kNone, kLength, kChunked, kUntilClose };
  enum class State { kSize, kData, kDataEnd, kTrailer };
  size_t consume_chunked(const char* data, size_t n);
  bool end_size_line();

  Mode mode_ = Mode::kNone;
  State state_ = State::kSize;
  uint64_t remaining_ = 0;
  std::string line_;  // the size or trailer line being read
  bool failed_ = false;
};

}  // namespace chaos::network
