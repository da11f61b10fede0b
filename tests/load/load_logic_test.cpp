// The load plugin's pure parts, compiled in directly: the histogram, rate shapes, the HTTP
// response parser and the target allowlist. No sockets, no clock.
#include <gtest/gtest.h>

#include <chaos/plugin.hpp>
#include <cmath>
#include <string>

#include "histogram.h"
#include "rate_shape.h"
#include "response_parser.h"
#include "target.h"

using namespace chaos::load;

TEST(LatencyHistogram, BucketsAreContiguousAndTight) {
  for (int i = 0; i + 1 < LatencyHistogram::kBuckets - 1; ++i) {
    ASSERT_EQ(LatencyHistogram::upper_bound_of(i), LatencyHistogram::lower_bound_of(i + 1)) << i;
    ASSERT_EQ(LatencyHistogram::index_of(LatencyHistogram::lower_bound_of(i)), i);
  }
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 1000ull, 999'999ull, 3'600'000'000ull}) {
    const int i = LatencyHistogram::index_of(v);
    EXPECT_LE(LatencyHistogram::lower_bound_of(i), v);
    EXPECT_GT(LatencyHistogram::upper_bound_of(i), v);
    // Relative width at most 1/64.
    EXPECT_LE(double(LatencyHistogram::upper_bound_of(i) - LatencyHistogram::lower_bound_of(i)),
              std::max(1.0, v / 64.0));
  }
}

TEST(LatencyHistogram, PercentilesWithinOnePointSixPercent) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100000u);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double exact = q * 100000;
    EXPECT_NEAR(double(h.percentile(q)), exact, exact / 64 + 1) << q;
  }
  EXPECT_EQ(h.percentile(1.0), 100000u);
  EXPECT_EQ(h.max(), 100000u);
}

TEST(LatencyHistogram, AStallOfOnePercentShowsAtP99) {
  LatencyHistogram h;
  for (int i = 0; i < 980; ++i) h.record(500);
  for (int i = 0; i < 20; ++i) h.record(950'000);
  EXPECT_NEAR(double(h.percentile(0.99)), 950'000, 950'000 / 64.0);
  EXPECT_LT(h.percentile(0.9), 600u);
  LatencyHistogram merged;
  merged.merge(h);
  merged.merge(h);
  EXPECT_EQ(merged.count(), 2000u);
  merged.clear();
  EXPECT_EQ(merged.percentile(0.99), 0u);
}

TEST(RateShape, ConstantRampStepsSpike) {
  RateShape c;
  c.rate = 100;
  EXPECT_EQ(c.rate_at(0), 100);
  EXPECT_EQ(c.rate_at(1'000'000'000), 100);

  RateShape r;
  r.kind = RateShape::Kind::kRamp;
  r.ramp_from = 100;
  r.rate = 300;
  r.ramp_over_us = 10'000'000;
  EXPECT_EQ(r.rate_at(0), 100);
  EXPECT_EQ(r.rate_at(5'000'000), 200);
  EXPECT_EQ(r.rate_at(20'000'000), 300);

  RateShape s;
  s.kind = RateShape::Kind::kSteps;
  s.steps = {{10, 1'000'000}, {50, 2'000'000}};
  EXPECT_EQ(s.rate_at(500'000), 10);
  EXPECT_EQ(s.rate_at(1'000'000), 50);
  EXPECT_EQ(s.rate_at(2'999'999), 50);
  EXPECT_EQ(s.rate_at(9'000'000), 50);

  RateShape k;
  k.kind = RateShape::Kind::kSpike;
  k.rate = 100;
  k.spike_rate = 900;
  k.spike_at_us = 2'000'000;
  k.spike_for_us = 1'000'000;
  k.spike_every_us = 5'000'000;
  EXPECT_EQ(k.rate_at(1'000'000), 100);
  EXPECT_EQ(k.rate_at(2'500'000), 1000);
  EXPECT_EQ(k.rate_at(3'500'000), 100);
  EXPECT_EQ(k.rate_at(7'100'000), 1000);
}

namespace {
ResponseParser::Result feed_all(ResponseParser& p, const std::string& text, size_t step) {
  ResponseParser::Result r = ResponseParser::Result::kNeedMore;
  for (size_t at = 0; at < text.size(); at += step) {
    size_t used = 0;
    r = p.feed(text.data() + at, std::min(step, text.size() - at), used);
    if (r != ResponseParser::Result::kNeedMore) return r;
  }
  return r;
}
}  // namespace

TEST(ResponseParser, ContentLengthAndChunkedSplitAnywhere) {
  const std::string cl = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello";
  const std::string ch =
      "HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n"
      "a\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n";
  for (size_t step : {1, 2, 7, 1000}) {
    ResponseParser p;
    p.reset(false);
    EXPECT_EQ(feed_all(p, cl, step), ResponseParser::Result::kComplete) << step;
    EXPECT_EQ(p.status(), 200);
    EXPECT_TRUE(p.keep_alive());
    p.reset(false);
    EXPECT_EQ(feed_all(p, ch, step), ResponseParser::Result::kComplete) << step;
    EXPECT_EQ(p.status(), 503);
  }
}

TEST(ResponseParser, BodylessCloseDelimitedAndMalformed) {
  ResponseParser p;
  p.reset(true);  // HEAD
  size_t used = 0;
  std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
  EXPECT_EQ(p.feed(head.data(), head.size(), used), ResponseParser::Result::kComplete);
  EXPECT_EQ(used, head.size());

  p.reset(false);
  std::string close = "HTTP/1.0 404 Not Found\r\n\r\nsome body";
  EXPECT_EQ(p.feed(close.data(), close.size(), used), ResponseParser::Result::kNeedMore);
  EXPECT_EQ(p.on_eof(), ResponseParser::Result::kComplete);
  EXPECT_EQ(p.status(), 404);
  EXPECT_FALSE(p.keep_alive());

  p.reset(false);
  std::string bad = "SSH-2.0-OpenSSH\r\n\r\n";
  EXPECT_EQ(p.feed(bad.data(), bad.size(), used), ResponseParser::Result::kError);

  p.reset(false);
  std::string cut = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  EXPECT_EQ(p.feed(cut.data(), cut.size(), used), ResponseParser::Result::kNeedMore);
  EXPECT_EQ(p.on_eof(), ResponseParser::Result::kError);
}

TEST(Target, LoopbackIsAllowed) {
  EXPECT_EQ(parse_target("target", "http://127.0.0.1:8080/x?y=1", true).path, "/x?y=1");
  EXPECT_EQ(parse_target("target", "http://127.9.9.9:80", true).path, "/");
  EXPECT_EQ(parse_target("target", "http://localhost:81/", true).host_header, "localhost:81");
  EXPECT_EQ(parse_target("target", "http://[::1]:8080/", true).host_header, "[::1]:8080");
  EXPECT_EQ(parse_target("target", "127.0.0.1:5432", false).port, 5432);
}

TEST(Target, EverythingElseIsRefusedNamingTheField) {
  for (const char* t : {"http://10.0.0.1:80/", "http://192.168.1.1/", "http://[2001:db8::1]:80/",
                        "http://example.com/", "http://localhost.evil.com:80/",
                        "https://127.0.0.1:443/", "http://0.0.0.0:80/", "127.0.0.1"}) {
    try {
      parse_target("target", t, true);
      ADD_FAILURE() << t << " was accepted";
    } catch (const chaos::sdk::InvalidParams& e) {
      EXPECT_EQ(e.field(), "target") << t;
    }
  }
  EXPECT_THROW(parse_target("target", "203.0.113.3:53", false), chaos::sdk::InvalidParams);
}
