#pragma once
// HttpExchange: the HTTP fault on one connection. It follows the requests (client → dependency)
// and the responses (back) of HTTP/1.x on a kept-alive, possibly pipelined connection, and for
// the requests an HTTP rule selects it either holds them for the rule's delay or answers them
// itself, without forwarding, in the right place among the real responses.
//
//  - A request's head is held for a decision only while an HTTP rule is in force; otherwise its
//    bytes pass at once and are only followed (so a rule that starts later still knows where
//    the next request begins).
//  - An answered request is dropped whole, body included (Content-Length or chunked). Its answer
//    is queued behind the responses to the requests before it, so pipelined responses keep the
//    order of the requests.
//  - The answer closes the connection ("Connection: close") when the request asked for that,
//    and when it sent "Expect: 100-continue" with a body: the client may then never send the
//    body, so the rest of the stream cannot be followed.
//  - Bytes that are not HTTP/1.x, an Upgrade or CONNECT that the dependency accepts, or a
//    message the framer cannot follow end the following: from then on the connection passes
//    through untouched (answers already queued are sent at once).
//
// Runs on the proxy's io thread (called by its Session); not thread-safe.

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "http_framing.h"
#include "rules.h"

namespace chaos::network {

// Where the exchange sends bytes. Implemented by the Session.
class HttpSink {
 public:
  // Client bytes for the dependency, held `extra` longer than other bytes (an HTTP delay).
  virtual void forward_request(const char* data, size_t n, microseconds extra) = 0;
  // Dependency bytes for the client, unchanged.
  virtual void forward_response(const char* data, size_t n) = 0;
  // A made-up answer for the client; `close_after`: end the connection once it is written.
  virtual void inject_response(std::string bytes, microseconds extra, bool close_after) = 0;

 protected:
  ~HttpSink() = default;
};

class HttpExchange {
 public:
  HttpExchange(HttpSink& sink, uint64_t session_id) : sink_(sink), session_id_(session_id) {}

  // Bytes from the client. `rules`: the HTTP rules in force, in owner order.
  void on_request_bytes(const char* data, size_t n, const std::vector<const Rule*>& rules);
  // Bytes from the dependency.
  void on_response_bytes(const char* data, size_t n);
  // The rules in force changed: a head held for a decision goes on when no rule is left.
  void on_rules_changed(const std::vector<const Rule*>& rules);
  // The dependency ended its side: a close-delimited response is complete, and answers still
  // queued behind responses that will never come go out now.
  void on_response_end();

  bool following() const { return request_state_ != RequestState::kPass; }

  // A made-up response for `head` from `spec` (status line, headers, body).
  static std::string make_answer(const HttpSpec& spec, const RequestHead& head, bool close);

 private:
  enum class RequestState { kHead, kBody, kPass, kDrop };
  enum class ResponseState { kHead, kBody, kPass };

  struct Pending {
    bool answer = false;        // made up by a rule; otherwise a forwarded request
    std::string bytes;          // the answer
    microseconds extra{0};      // the answer's delay
    bool close_after = false;   // the answer ends the connection
    bool head_request = false;  // a forwarded HEAD: its response has no body
    bool last = false;          // a forwarded Upgrade/CONNECT: stop following after its answer
  };

  void on_head(const RequestHead& head, const std::vector<const Rule*>& rules);
  void stop_following();
  void release_held_head();
  void queue_answer(Pending answer);
  // Sends the answers at the front of the queue (those no response is owed before).
  void flush_answers();
  void on_response_head(const ResponseHead& head);
  void complete_response();

  HttpSink& sink_;
  const uint64_t session_id_;
  uint64_t request_index_ = 0;

  RequestState request_state_ = RequestState::kHead;
  std::string request_head_;  // the head being read
  bool holding_ = false;      // request_head_ has not been forwarded: it waits for a decision
  BodyFramer request_body_;
  bool forward_body_ = true;

  ResponseState response_state_ = ResponseState::kHead;
  std::string response_head_;
  BodyFramer response_body_;
  std::deque<Pending> pending_;  // one per request whose response is still owed, in order
};

}  // namespace chaos::network
