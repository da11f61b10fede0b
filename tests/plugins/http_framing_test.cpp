// HTTP/1.x framing: heads, bodies by length and chunked, and giving up on what is not HTTP.

#include "http_framing.h"

#include <gtest/gtest.h>

#include <string>

namespace chaos::network {
namespace {

TEST(HttpFramingTest, FindsTheEndOfAHeadWithCrlfOrBareLf) {
  const std::string crlf = "GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY";
  EXPECT_EQ(find_head_end(crlf, 0), crlf.size() - 4);
  const std::string lf = "GET / HTTP/1.1\nHost: x\n\nBODY";
  EXPECT_EQ(find_head_end(lf, 0), lf.size() - 4);
  EXPECT_EQ(find_head_end("GET / HTTP/1.1\r\nHost: x\r\n", 0), std::string::npos);
}

TEST(HttpFramingTest, ParsesARequestHeadAndItsFraming) {
  const auto r = parse_request_head(
      "POST /api/orders?x=1 HTTP/1.1\r\nHost: shop\r\ncontent-length: 12\r\n"
      "Expect: 100-continue\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "POST");
  EXPECT_EQ(r->path, "/api/orders?x=1");
  EXPECT_EQ(r->content_length, 12u);
  EXPECT_FALSE(r->chunked);
  EXPECT_TRUE(r->keep_alive);
  EXPECT_TRUE(r->expect_continue);
}

TEST(HttpFramingTest, KeepAliveFollowsTheVersionAndTheConnectionHeader) {
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")->keep_alive);
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.0\r\n\r\n")->keep_alive);
  EXPECT_TRUE(parse_request_head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")->keep_alive);
}

TEST(HttpFramingTest, AbsoluteFormTargetsMatchOnTheirPath) {
  EXPECT_EQ(parse_request_head("GET http://h:80/api/x HTTP/1.1\r\n\r\n")->path, "/api/x");
  EXPECT_EQ(parse_request_head("GET http://h:80 HTTP/1.1\r\n\r\n")->path, "/");
}

TEST(HttpFramingTest, ChunkedWinsOverContentLengthAndOtherCodingsAreRefused) {
  const auto r = parse_request_head(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->chunked);
  EXPECT_FALSE(r->content_length);
  EXPECT_FALSE(parse_request_head("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"));
  EXPECT_FALSE(parse_request_head("POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\n"));
}

TEST(HttpFramingTest, RejectsWhatIsNotHttp) {
  EXPECT_FALSE(parse_request_head("PRICE sku-42\n\n"));
  EXPECT_FALSE(parse_request_head("GET / HTTP/2.0\r\n\r\n"));
  EXPECT_FALSE(parse_request_head("GET / HTTP/1.1\r\nno colon here\r\n\r\n"));
  EXPECT_FALSE(plausible_request_start(std::string("\0\0\0\x08\x04\xd2\x16/", 8)));  // postgres
  EXPECT_FALSE(plausible_request_start("PRICE sku-42\x01"));
  EXPECT_TRUE(plausible_request_start("GE"));
  EXPECT_TRUE(plausible_request_start("GET /api/some/long/pa"));
}

TEST(HttpFramingTest, ParsesAResponseHead) {
  const auto r =
      parse_response_head("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->content_length, 5u);
  EXPECT_FALSE(parse_response_head("HTTP/1.1 5x3 Nope\r\n\r\n"));
}

TEST(HttpFramingTest, ALengthBodyEndsAfterItsBytes) {
  BodyFramer body;
  body.length(10);
  EXPECT_EQ(body.consume("0123456", 7), 7u);
  EXPECT_FALSE(body.done());
  EXPECT_EQ(body.consume("789GET /", 8), 3u);
  EXPECT_TRUE(body.done());
}

TEST(HttpFramingTest, AChunkedBodyEndsAfterTheLastChunkAndTrailersEvenWhenSplitAnywhere) {
  const std::string body =
      "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n";
  const std::string next = "GET /next HTTP/1.1\r\n\r\n";
  const std::string stream = body + next;
  for (size_t split = 1; split < stream.size(); ++split) {
    BodyFramer framer;
    framer.chunked();
    size_t used = framer.consume(stream.data(), split);
    if (!framer.done()) used += framer.consume(stream.data() + split, stream.size() - split);
    EXPECT_TRUE(framer.done()) << split;
    EXPECT_FALSE(framer.failed()) << split;
    EXPECT_EQ(used, body.size()) << split;
  }
}

TEST(HttpFramingTest, AMalformedChunkSizeFails) {
  BodyFramer framer;
  framer.chunked();
  framer.consume("zz\r\n", 4);
  EXPECT_TRUE(framer.failed());
}

}  // namespace
}  // namespace chaos::network
