// Fuzz target: the network proxy's HTTP/1.x framing (plugins/network/http_framing), which
// decides where each request and response on a kept-alive connection ends, checked against
// Boost.Beast's parser. The first byte picks a request or a response (and, for a response,
// whether it answers HEAD) and where the bytes are split into two reads; the rest is the
// message. Properties:
//  - differential: when both the proxy's framing and Beast accept the message, they agree on
//    where it ends, on chunked or not, and on the Content-Length;
//  - the proxy's own framing gives the same answer whether the bytes come in one read or two
//    (find_head_end's resumed search, BodyFramer fed piecewise).
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "http_framing.h"

namespace http = boost::beast::http;
using chaos::network::BodyFramer;

namespace {

// A Beast body that only counts its bytes: a huge Content-Length costs nothing.
struct CountingBody {
  struct value_type {
    uint64_t size = 0;
  };
  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}
    void init(const boost::optional<uint64_t>&, boost::beast::error_code& ec) { ec = {}; }
    template <class Buffers>
    size_t put(const Buffers& buffers, boost::beast::error_code& ec) {
      ec = {};
      const size_t n = boost::asio::buffer_size(buffers);
      body_.size += n;
      return n;
    }
    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

struct Framing {
  size_t end = 0;  // where the message ends
  bool chunked = false;
  std::optional<uint64_t> content_length;
};

template <bool isRequest>
std::optional<Framing> beast_framing(std::string_view in, bool head_response) {
  http::parser<isRequest, CountingBody> p;
  p.eager(true);
  p.header_limit(static_cast<uint32_t>(chaos::network::kMaxHttpHead));
  p.body_limit(boost::none);
  if constexpr (!isRequest) p.skip(head_response);
  size_t used = 0;
  while (!p.is_done()) {
    boost::beast::error_code ec;
    const size_t n = used == in.size()
                         ? 0
                         : p.put(boost::asio::buffer(in.data() + used, in.size() - used), ec);
    used += n;
    if (n == 0 && (!ec || ec == http::error::need_more)) {
      p.put_eof(ec);  // all the bytes there are: the peer closed
      if (ec) return std::nullopt;
      break;
    }
    if (ec && ec != http::error::need_more) return std::nullopt;
  }
  Framing f;
  f.end = used;
  f.chunked = p.chunked();
  if (p.content_length()) f.content_length = *p.content_length();
  return f;
}

size_t leading_blank(std::string_view in) {
  size_t i = 0;
  while (i < in.size() && (in[i] == '\r' || in[i] == '\n')) ++i;
  return i;
}

// The head's end as the proxy finds it when the bytes arrive in two reads, split at `split`.
size_t head_end_in_two_reads(std::string_view in, size_t split) {
  const std::string_view first = in.substr(0, split);
  const size_t lead = leading_blank(first);
  const size_t end = chaos::network::find_head_end(first, lead);
  if (end != std::string_view::npos) return end;
  return chaos::network::find_head_end(in, std::max(leading_blank(in), split >= 3 ? split - 3 : 0));
}

// The body's length fed in one or two parts; nullopt when the framing fails or is incomplete.
std::optional<size_t> body_length(BodyFramer framer, std::string_view body, size_t split,
                                  bool until_close) {
  size_t taken = 0;
  for (const std::string_view part :
       {body.substr(0, std::min(split, body.size())), body.substr(std::min(split, body.size()))}) {
    if (framer.done()) break;
    taken += framer.consume(part.data(), part.size());
    if (framer.failed()) return std::nullopt;
  }
  if (!framer.done() && !until_close) return std::nullopt;
  return taken;
}

template <bool isRequest>
std::optional<Framing> our_framing(std::string_view in, bool head_response, size_t split) {
  const size_t head_end = chaos::network::find_head_end(in, leading_blank(in));
  FUZZ_CHECK(head_end == head_end_in_two_reads(in, split),
             "the head ends at %zu in one read, at %zu in two (split at %zu)", head_end,
             head_end_in_two_reads(in, split), split);
  if (head_end == std::string_view::npos || head_end > chaos::network::kMaxHttpHead) {
    return std::nullopt;
  }
  const std::string_view head = in.substr(0, head_end);
  BodyFramer framer;
  Framing f;
  bool until_close = false;
  if constexpr (isRequest) {
    const auto r = chaos::network::parse_request_head(head);
    if (!r) return std::nullopt;
    f.chunked = r->chunked;
    f.content_length = r->content_length;
    if (r->chunked) {
      framer.chunked();
    } else if (r->content_length) {
      framer.length(*r->content_length);
    }
  } else {
    const auto r = chaos::network::parse_response_head(head);
    if (!r) return std::nullopt;
    f.chunked = r->chunked;
    f.content_length = r->content_length;
    // As HttpExchange::on_response_head: 1xx is interim (its head is the whole message);
    // a status below 100 is not, and is framed like any other.
    const bool interim = r->status >= 100 && r->status < 200;
    if (interim || r->status == 204 || r->status == 304 || head_response) {
      framer.none();
    } else if (r->chunked) {
      framer.chunked();
    } else if (r->content_length) {
      framer.length(*r->content_length);
    } else {
      framer.until_close();
      until_close = true;
    }
  }
  const std::string_view body = in.substr(head_end);
  const auto whole = body_length(framer, body, body.size(), until_close);
  const size_t body_split = split > head_end ? split - head_end : 0;
  const auto parts = body_length(framer, body, body_split, until_close);
  FUZZ_CHECK(whole == parts, "the body is %zd bytes in one read, %zd in two (split at %zu)",
             whole ? static_cast<ssize_t>(*whole) : -1, parts ? static_cast<ssize_t>(*parts) : -1,
             body_split);
  if (!whole) return std::nullopt;
  f.end = head_end + *whole;
  return f;
}

template <bool isRequest>
void compare(std::string_view in, bool head_response, size_t split) {
  const auto ours = our_framing<isRequest>(in, head_response, split);
  const auto beast = beast_framing<isRequest>(in, head_response);
  if (!ours || !beast) return;  // only the messages both accept are compared
  const char* what = isRequest ? "request" : "response";
  FUZZ_CHECK(ours->end == beast->end, "%s: the proxy ends the message at %zu, Beast at %zu", what,
             ours->end, beast->end);
  FUZZ_CHECK(ours->chunked == beast->chunked, "%s: chunked: proxy %d, Beast %d", what,
             ours->chunked, beast->chunked);
  if (!ours->chunked) {
    FUZZ_CHECK(ours->content_length == beast->content_length,
               "%s: Content-Length: proxy %lld, Beast %lld", what,
               ours->content_length ? static_cast<long long>(*ours->content_length) : -1LL,
               beast->content_length ? static_cast<long long>(*beast->content_length) : -1LL);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool request = (data[0] & 1) == 0;
  const bool head_response = (data[0] & 2) != 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t split = in.empty() ? 0 : data[1] % (in.size() + 1);
  if (request) {
    compare<true>(in, false, split);
  } else {
    compare<false>(in, head_response, split);
  }
  (void)chaos::network::plausible_request_start(in.substr(0, split));
  return 0;
}
