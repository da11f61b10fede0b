// Series selectors as PromQL writes them: parsing, matching (anchored regexes, missing labels
// read as ""), and errors that say what is wrong.

#include "probes/series_selector.h"

#include <gtest/gtest.h>

namespace chaos::probes {
namespace {

SeriesSelector parse_ok(std::string_view text) {
  auto parsed = parse_series_selector(text);
  EXPECT_TRUE(parsed.is_ok()) << parsed.status().message();
  return parsed ? std::move(parsed.value()) : SeriesSelector{};
}

std::string parse_error(std::string_view text) {
  auto parsed = parse_series_selector(text);
  EXPECT_FALSE(parsed.is_ok()) << text;
  return parsed ? "" : parsed.status().message();
}

TEST(SeriesSelector, ParsesANameWithMatchersOfEveryKind) {
  const auto s = parse_ok(R"(http_total{ path="/a" , code=~"5..", method!="GET", host!~"x.*", })");
  EXPECT_EQ(s.metric, "http_total");
  ASSERT_EQ(s.matchers.size(), 4u);
  EXPECT_EQ(s.matchers[0].op, LabelMatcher::Op::kEqual);
  EXPECT_EQ(s.matchers[1].op, LabelMatcher::Op::kRegexMatch);
  EXPECT_EQ(s.matchers[2].op, LabelMatcher::Op::kNotEqual);
  EXPECT_EQ(s.matchers[3].op, LabelMatcher::Op::kRegexNoMatch);
  EXPECT_EQ(s.to_string(), R"(http_total{path="/a",code=~"5..",method!="GET",host!~"x.*"})");
}

TEST(SeriesSelector, ParsesABareNameBracesOnlyAndABareMatcherList) {
  EXPECT_EQ(parse_ok("up").metric, "up");
  EXPECT_TRUE(parse_ok("up").matchers.empty());
  EXPECT_EQ(parse_ok("ns:rule:rate5m").metric, "ns:rule:rate5m");
  const auto braces = parse_ok(R"({code="200"})");
  EXPECT_TRUE(braces.metric.empty());
  EXPECT_EQ(braces.matchers.size(), 1u);
  const auto bare = parse_ok(R"(code=~"5..", path="/checkout")");
  EXPECT_TRUE(bare.metric.empty());
  EXPECT_EQ(bare.matchers.size(), 2u);
}

TEST(SeriesSelector, RegexesAreAnchoredLikePromQL) {
  const auto s = parse_ok(R"(x{code=~"5.."})");
  EXPECT_TRUE(s.matches({{"code", "503"}}));
  EXPECT_FALSE(s.matches({{"code", "5030"}}));
  EXPECT_FALSE(s.matches({{"code", "200"}}));
  EXPECT_TRUE(parse_ok(R"(x{code=~"2..|3.."})").matches({{"code", "302"}}));
  EXPECT_TRUE(parse_ok(R"(x{v=~"\d+"})").matches({{"v", "42"}}));
}

TEST(SeriesSelector, AMissingLabelReadsAsTheEmptyString) {
  EXPECT_TRUE(parse_ok(R"(x{code!="200"})").matches({}));
  EXPECT_TRUE(parse_ok(R"(x{code=""})").matches({{"path", "/"}}));
  EXPECT_FALSE(parse_ok(R"(x{code="200"})").matches({}));
  EXPECT_TRUE(parse_ok(R"(x{code!~"5.."})").matches({}));
  EXPECT_FALSE(parse_ok(R"(x{code="200"})").matchers[0].matches_empty());
  EXPECT_TRUE(parse_ok(R"(x{code=~".*"})").matchers[0].matches_empty());
}

TEST(SeriesSelector, UnescapesQuotedValues) {
  const auto s = parse_ok(R"(x{a="say \"hi\"",b="line\nbreak"})");
  EXPECT_EQ(s.matchers[0].value, "say \"hi\"");
  EXPECT_EQ(s.matchers[1].value, "line\nbreak");
}

TEST(SeriesSelector, MetricAndExtraMatchersCombine) {
  auto s = parse_series_selector(R"(requests_total{path="/checkout"})", R"(code=~"5..")");
  ASSERT_TRUE(s.is_ok()) << s.status().message();
  EXPECT_EQ(s->to_string(), R"(requests_total{path="/checkout",code=~"5.."})");
  EXPECT_TRUE(parse_series_selector("requests_total", "").is_ok());
  EXPECT_TRUE(parse_series_selector("requests_total", R"({code="200"})").is_ok());
  auto two_names = parse_series_selector("a", "b{c=\"d\"}");
  ASSERT_FALSE(two_names.is_ok());
  EXPECT_NE(two_names.status().message().find("matchers only"), std::string::npos);
  EXPECT_FALSE(parse_series_selector(R"({code="200"})", "").is_ok());  // no metric name
}

TEST(SeriesSelector, RejectsMalformedTextSayingWhy) {
  EXPECT_NE(parse_error(R"(x{code=5})").find("must be in double quotes"), std::string::npos);
  EXPECT_NE(parse_error(R"(x{code="5)").find("unterminated value of label 'code'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"(x{code="5")").find("missing '}'"), std::string::npos);
  EXPECT_NE(parse_error(R"(x{code>"5"})").find("expected =, !=, =~ or !~"), std::string::npos);
  EXPECT_NE(parse_error(R"(x{code=~"(5"})").find("invalid regex"), std::string::npos);
  EXPECT_NE(parse_error(R"(x{code=~"(?i)ok"})").find("invalid regex"), std::string::npos);
  EXPECT_NE(parse_error("x y").find("unexpected 'y'"), std::string::npos);
  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
  EXPECT_EQ(parse_error(R"(x{code=5})").rfind("selector 'x{code=5}': ", 0), 0u)
      << "errors quote the selector";
}

}  // namespace
}  // namespace chaos::probes
