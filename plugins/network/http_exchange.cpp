#include "http_exchange.h"

#include <algorithm>

namespace chaos::network {

namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Injected Fault";
  }
}

size_t leading_blank(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == '\r' || s[i] == '\n')) ++i;
  return i;
}

}  // namespace

std::string HttpExchange::make_answer(const HttpSpec& spec, const RequestHead& head, bool close) {
  std::string out = "HTTP/1.1 " + std::to_string(spec.status) + " " + reason_phrase(spec.status) +
                    "\r\nContent-Type: " + spec.content_type +
                    "\r\nContent-Length: " + std::to_string(spec.body.size()) +
                    "\r\nX-Chaos-Fault: http\r\n";
  if (close) {
    out += "Connection: close\r\n";
  } else if (head.minor_version == 0) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (head.method != "HEAD") out += spec.body;
  return out;
}

void HttpExchange::on_request_bytes(const char* data, size_t n,
                                    const std::vector<const Rule*>& rules) {
  size_t i = 0;
  while (i < n) {
    switch (request_state_) {
      case RequestState::kPass:
        sink_.forward_request(data + i, n - i, microseconds(0));
        return;
      case RequestState::kDrop:
        return;
      case RequestState::kBody: {
        const size_t k = request_body_.consume(data + i, n - i);
        if (request_body_.failed()) {
          stop_following();
          sink_.forward_request(data + i, n - i, microseconds(0));
          return;
        }
        if (forward_body_ && k > 0) sink_.forward_request(data + i, k, microseconds(0));
        i += k;
        if (request_body_.done()) request_state_ = RequestState::kHead;
        break;
      }
      case RequestState::kHead: {
        if (request_head_.empty()) holding_ = !rules.empty();
        const size_t before = request_head_.size();
        const size_t take = std::min(n - i, kMaxHttpHead + 1 - before);
        request_head_.append(data + i, take);
        const size_t lead = leading_blank(request_head_);
        const size_t end =
            find_head_end(request_head_, std::max(lead, before >= 3 ? before - 3 : 0));
        if (end == std::string::npos) {
          if (request_head_.size() > kMaxHttpHead ||
              !plausible_request_start(std::string_view(request_head_).substr(lead))) {
            request_head_.resize(before);  // what was held before this read goes first
            stop_following();
            sink_.forward_request(data + i, n - i, microseconds(0));
            return;
          }
          if (!holding_) sink_.forward_request(data + i, take, microseconds(0));
          i += take;
          break;
        }
        const size_t head_part = end - before;  // the bytes of this read that end the head
        request_head_.resize(end);
        if (!holding_) sink_.forward_request(data + i, head_part, microseconds(0));
        i += head_part;
        const auto head = parse_request_head(request_head_);
        if (!head) {
          stop_following();
          sink_.forward_request(data + i, n - i, microseconds(0));
          return;
        }
        on_head(*head, rules);
        request_head_.clear();
        holding_ = false;
        break;
      }
    }
  }
}

void HttpExchange::on_head(const RequestHead& head, const std::vector<const Rule*>& rules) {
  const uint64_t index = request_index_++;
  const Rule* answering = nullptr;
  microseconds delay{0};
  if (holding_) {
    for (const Rule* rule : rules) {
      const HttpSpec& spec = *rule->as<HttpSpec>();
      rule->stats->requests_seen.fetch_add(1, std::memory_order_relaxed);
      if (answering != nullptr) continue;  // answered by an earlier rule: it goes nowhere
      if (!spec.method.empty() && spec.method != head.method) continue;
      if (!head.path.starts_with(spec.path_prefix)) continue;
      if (!selects_request(*rule, session_id_, index)) continue;
      rule->stats->requests_faulted.fetch_add(1, std::memory_order_relaxed);
      delay += spec.delay;
      if (spec.status != 0) answering = rule;
    }
    if (answering == nullptr) {
      for (const Rule* rule : rules)
        rule->stats->requests_forwarded.fetch_add(1, std::memory_order_relaxed);
    }
  }

  if (head.chunked) {
    request_body_.chunked();
  } else if (head.content_length) {
    request_body_.length(*head.content_length);
  } else {
    request_body_.none();
  }
  const bool has_body = !request_body_.done();

  if (answering != nullptr) {
    // The client may wait for "100 Continue" and never send the body: close after the answer.
    const bool close = !head.keep_alive || (head.expect_continue && has_body);
    Pending answer;
    answer.answer = true;
    answer.bytes = make_answer(*answering->as<HttpSpec>(), head, close);
    answer.extra = delay;
    answer.close_after = close;
    forward_body_ = false;
    request_state_ =
        close ? RequestState::kDrop : (has_body ? RequestState::kBody : RequestState::kHead);
    queue_answer(std::move(answer));
    return;
  }

  if (holding_) sink_.forward_request(request_head_.data(), request_head_.size(), delay);
  Pending forwarded;
  forwarded.head_request = head.method == "HEAD";
  forwarded.last = head.upgrade;
  pending_.push_back(std::move(forwarded));
  forward_body_ = true;
  if (head.upgrade) {
    request_state_ = RequestState::kPass;  // whatever follows may be another protocol
  } else {
    request_state_ = has_body ? RequestState::kBody : RequestState::kHead;
  }
}

void HttpExchange::on_rules_changed(const std::vector<const Rule*>& rules) {
  if (rules.empty()) release_held_head();
}

void HttpExchange::release_held_head() {
  if (request_state_ == RequestState::kHead && holding_ && !request_head_.empty()) {
    sink_.forward_request(request_head_.data(), request_head_.size(), microseconds(0));
  }
  holding_ = false;  // the rest of this head passes as it comes; no rule will judge it
}

void HttpExchange::stop_following() {
  release_held_head();
  request_head_.clear();
  request_state_ = RequestState::kPass;
  response_state_ = ResponseState::kPass;
  // Best effort: answers still owed go out now, since responses can no longer be told apart.
  for (Pending& p : pending_) {
    if (p.answer) sink_.inject_response(std::move(p.bytes), p.extra, p.close_after);
  }
  pending_.clear();
}

void HttpExchange::queue_answer(Pending answer) {
  pending_.push_back(std::move(answer));
  flush_answers();
}

void HttpExchange::flush_answers() {
  while (!pending_.empty() && pending_.front().answer) {
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    sink_.inject_response(std::move(p.bytes), p.extra, p.close_after);
  }
}

void HttpExchange::on_response_bytes(const char* data, size_t n) {
  size_t sent = 0;  // bytes of this read already forwarded
  size_t i = 0;
  auto forward_to = [&](size_t end) {
    if (end > sent) sink_.forward_response(data + sent, end - sent);
    sent = end;
  };
  while (i < n && response_state_ != ResponseState::kPass) {
    if (response_state_ == ResponseState::kBody) {
      const size_t k = response_body_.consume(data + i, n - i);
      if (response_body_.failed()) {
        forward_to(i);
        stop_following();
        break;
      }
      i += k;
      if (response_body_.done()) {
        complete_response();
        if (!pending_.empty() && pending_.front().answer) {
          forward_to(i);
          flush_answers();
        }
      }
      continue;
    }
    const size_t before = response_head_.size();
    const size_t take = std::min(n - i, kMaxHttpHead + 1 - before);
    response_head_.append(data + i, take);
    const size_t lead = leading_blank(response_head_);
    const size_t end = find_head_end(response_head_, std::max(lead, before >= 3 ? before - 3 : 0));
    if (end == std::string::npos) {
      i += take;
      if (response_head_.size() > kMaxHttpHead) stop_following();
      continue;
    }
    i += end - before;
    response_head_.resize(end);
    const auto head = parse_response_head(response_head_);
    response_head_.clear();
    if (!head) {
      stop_following();
      break;
    }
    on_response_head(*head);
    if (response_state_ == ResponseState::kHead && !pending_.empty() && pending_.front().answer) {
      forward_to(i);
      flush_answers();
    }
  }
  forward_to(n);
}

void HttpExchange::on_response_head(const ResponseHead& head) {
  const Pending* owed = pending_.empty() || pending_.front().answer ? nullptr : &pending_.front();
  if (head.status == 101 || (owed && owed->last)) {
    // Switching protocols (or the answer to a CONNECT/Upgrade): no longer HTTP.
    if (!pending_.empty()) pending_.pop_front();
    stop_following();
    return;
  }
  if (head.status >= 100 && head.status < 200) return;  // interim: the final response follows
  if ((owed && owed->head_request) || head.status == 204 || head.status == 304) {
    response_body_.none();
  } else if (head.chunked) {
    response_body_.chunked();
  } else if (head.content_length) {
    response_body_.length(*head.content_length);
  } else {
    response_body_.until_close();
  }
  if (response_body_.done()) {
    complete_response();
  } else {
    response_state_ = ResponseState::kBody;
  }
}

void HttpExchange::complete_response() {
  response_state_ = ResponseState::kHead;
  if (!pending_.empty() && !pending_.front().answer) pending_.pop_front();
}

void HttpExchange::on_response_end() {
  if (response_state_ == ResponseState::kBody) complete_response();
  for (Pending& p : pending_) {
    if (p.answer) sink_.inject_response(std::move(p.bytes), p.extra, p.close_after);
  }
  pending_.clear();
}

}  // namespace chaos::network
