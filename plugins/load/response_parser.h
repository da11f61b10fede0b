#pragma once
// ResponseParser: just enough of HTTP/1.1 to find where one response ends on a kept-alive
// connection: the status line, Content-Length, chunked transfer coding, Connection: close, and
// bodiless responses (HEAD, 1xx, 204, 304). The body is skipped, never stored. Pure and
// incremental (bytes may arrive split anywhere). Not thread-safe: one per connection.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chaos::load {

class ResponseParser {
 public:
  enum class Result { kNeedMore, kComplete, kError };

  // Starts a new response; `head_request` = the request was HEAD (no body follows).
  void reset(bool head_request) noexcept;
  // Consumes bytes from `data`; sets `used` to how many belong to this response (the rest
  // would be a next response, which we never pipeline).
  Result feed(const char* data, size_t len, size_t& used);
  // The peer closed the connection: completes a close-delimited body, else an error.
  Result on_eof() noexcept;

  int status() const noexcept { return status_; }
  bool keep_alive() const noexcept { return keep_alive_; }

 private:
  enum class State { kHead, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kUntilClose,
                     kDone };
  Result parse_head();

  State state_ = State::kHead;
  std::string line_;  // head bytes (bounded) or the current chunk-size line
  bool head_request_ = false;
  int status_ = 0;
  bool keep_alive_ = true;
  uint64_t remaining_ = 0;
};

}  // namespace chaos::load
