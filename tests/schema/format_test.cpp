// The formats the validator checks beyond plain JSON Schema: durations with bounds
// (formatMinimum and friends), "host-port" and "listen-address" — what lets `chaosctl
// validate` refuse what a plugin's create would refuse (issue 17.8), with the field named.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "schema/json_schema.h"

namespace chaos::schema {
namespace {

using ::testing::ElementsAre;

JsonSchema must_parse(std::string_view text) {
  Result<JsonSchema> schema = JsonSchema::parse(text);
  EXPECT_TRUE(schema.is_ok()) << schema.status().message();
  return schema.is_ok() ? *schema : *JsonSchema::parse("true");
}

std::string parse_error(std::string_view text) {
  Result<JsonSchema> schema = JsonSchema::parse(text);
  EXPECT_FALSE(schema.is_ok()) << "schema was accepted: " << text;
  return schema.is_ok() ? "" : schema.status().message();
}

std::vector<std::string> errors_of(const JsonSchema& schema, std::string_view instance) {
  return schema.errors(boost::json::parse(instance));
}

TEST(SchemaDurationFormat, OverflowingDurationsAreRefusedWithTheReason) {
  // Issue 17.4: these validated and then ran a fault "for -9223372036854775808us".
  const JsonSchema schema = must_parse(R"({"properties": {
      "duration": {"type": "string", "format": "duration"}}})");
  EXPECT_THAT(errors_of(schema, R"({"duration": "99999999999999h"})"),
              ElementsAre("duration: '99999999999999h' is too long; a duration is at most "
                          "100000h (about 11 years)"));
  EXPECT_THAT(errors_of(schema, R"({"duration": "9223372036854775807us"})"),
              ElementsAre("duration: '9223372036854775807us' is too long; a duration is at most "
                          "100000h (about 11 years)"));
  EXPECT_THAT(errors_of(schema, R"({"duration": "-5s"})"),
              ElementsAre("duration: '-5s' is negative; a duration is 0s or more"));
  EXPECT_TRUE(errors_of(schema, R"({"duration": "100000h"})").empty());
}

TEST(SchemaDurationFormat, BoundsAreCheckedAndNamedInTheirOwnWords) {
  const JsonSchema schema = must_parse(R"({"properties": {
      "delay": {"type": "string", "format": "duration", "formatMaximum": "10m"},
      "every": {"type": "string", "format": "duration", "formatMinimum": "10ms"},
      "timeout": {"type": "string", "format": "duration", "formatExclusiveMinimum": "0s",
                  "formatExclusiveMaximum": "1h"}}})");
  EXPECT_TRUE(errors_of(schema, R"({"delay": "10m", "every": "10ms", "timeout": "1us"})").empty());
  EXPECT_THAT(errors_of(schema, R"({"delay": "11m"})"),
              ElementsAre("delay: \"11m\" is longer than the maximum 10m"));
  EXPECT_THAT(errors_of(schema, R"({"delay": "10m0.000001s"})"),
              ElementsAre("delay: \"10m0.000001s\" is longer than the maximum 10m"));
  EXPECT_THAT(errors_of(schema, R"({"every": "9ms"})"),
              ElementsAre("every: \"9ms\" is shorter than the minimum 10ms"));
  EXPECT_THAT(errors_of(schema, R"({"timeout": "0s"})"),
              ElementsAre("timeout: \"0s\" must be longer than 0s"));
  EXPECT_THAT(errors_of(schema, R"({"timeout": "60m"})"),
              ElementsAre("timeout: \"60m\" must be shorter than 1h"));
}

TEST(SchemaDurationFormat, BoundsMustBeDurationsBesideTheDurationFormat) {
  EXPECT_EQ(parse_error(R"({"properties": {"d": {"type": "string", "formatMaximum": "10m"}}})"),
            "invalid schema at #/properties/d: 'formatMaximum' applies only beside \"format\": "
            "\"duration\"");
  EXPECT_EQ(parse_error(R"({"properties": {"d": {"format": "duration", "formatMinimum": 5}}})"),
            "invalid schema at #/properties/d: 'formatMinimum' must be a duration string, got 5");
  EXPECT_NE(parse_error(R"({"properties": {"d": {"format": "duration", "formatMaximum": "1y"}}})")
                .find("'formatMaximum' '1y' is not a duration"),
            std::string::npos);
}

TEST(SchemaAddressFormats, PortsOutsideTheirRangeAreRefused) {
  // Issue 17.8: listen port 70000 and upstream port 0 passed validate and failed at create.
  const JsonSchema schema = must_parse(R"({"properties": {
      "listen": {"type": "string", "format": "listen-address"},
      "upstream": {"type": "string", "format": "host-port"}}})");
  EXPECT_TRUE(errors_of(schema, R"({"listen": "127.0.0.1:0", "upstream": "[::1]:5432"})").empty());
  EXPECT_TRUE(
      errors_of(schema, R"({"listen": "localhost:65535", "upstream": "db.internal:1"})").empty());
  // A service name as Docker Compose writes them: the network plugin resolves it.
  EXPECT_TRUE(errors_of(schema, R"({"upstream": "my_db:5432"})").empty());
  EXPECT_THAT(errors_of(schema, R"({"listen": "127.0.0.1:70000"})"),
              ElementsAre("listen: '127.0.0.1:70000' has port 70000; ports go up to 65535"));
  EXPECT_THAT(errors_of(schema, R"({"upstream": "127.0.0.1:0"})"),
              ElementsAre("upstream: '127.0.0.1:0' has port 0, which cannot be connected to; "
                          "expected 1..65535"));
}

TEST(SchemaAddressFormats, MalformedHostsAreRefused) {
  const JsonSchema schema = must_parse(R"({"properties": {
      "upstream": {"type": "string", "format": "host-port"}}})");
  for (const char* bad : {R"("127.0.0.1")", R"("127.0.0.1:")", R"(":80")", R"("1.2.3.999:80")",
                          R"("::1:80")", R"("[::g]:80")", R"("[]:80")", R"("bad host:80")",
                          R"("-x.example:80")", R"("127.0.0.1:8o")", R"("127.0.0.1:000080")"}) {
    EXPECT_EQ(errors_of(schema, std::string(R"({"upstream": )") + bad + "}").size(), 1u) << bad;
  }
  EXPECT_THAT(errors_of(schema, R"({"upstream": 5432})"),
              ElementsAre("upstream: expected host:port like \"127.0.0.1:5432\", got 5432"));
}

TEST(SchemaAddressFormats, APatternBesideAFormatSpeaksOnlyWhenTheFormatHolds) {
  // A plugin's own rule (here: IP literals only) as a pattern, the port range as the format.
  const JsonSchema schema = must_parse(R"({"properties": {"upstream": {"type": "string",
      "format": "host-port", "pattern": "^[0-9.]+:[0-9]+$"}}})");
  EXPECT_THAT(errors_of(schema, R"({"upstream": "fast"})"),
              ElementsAre("upstream: 'fast' is not host:port, like \"127.0.0.1:5432\""));
  EXPECT_THAT(errors_of(schema, R"({"upstream": "db.internal:5432"})"),
              ElementsAre("upstream: expected a string matching ^[0-9.]+:[0-9]+$, got "
                          "\"db.internal:5432\""));
}

}  // namespace
}  // namespace chaos::schema
