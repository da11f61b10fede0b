// Behaviour of JsonSchema as plugin authors and operators see it: messages that name the field
// and what was expected, defaults, the "duration" format, and schemas refused up front.

#include "schema/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace chaos::schema {
namespace {

namespace json = boost::json;

// REQUIRES: `text` is a schema this validator accepts.
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
  return schema.errors(json::parse(instance));
}

constexpr char kProxySchema[] = R"({
  "type": "object",
  "properties": {
    "listen": {"type": "string"},
    "upstream": {"type": "string"},
    "delay": {"type": "string", "format": "duration", "default": "100ms"},
    "jitter": {"type": "string", "format": "duration"},
    "probability": {"type": "number", "minimum": 0, "maximum": 1, "default": 1}
  },
  "required": ["listen", "upstream"],
  "additionalProperties": false
})";

using ::testing::ElementsAre;

TEST(JsonSchemaMessages, UnknownParameterIsNamedWithTheClosestKnownOne) {
  const JsonSchema schema = must_parse(kProxySchema);
  EXPECT_THAT(errors_of(schema, R"({"listen": ":1", "upstream": "u:2", "dealy": "1s"})"),
              ElementsAre("unknown parameter 'dealy'; did you mean 'delay'? (known: delay, "
                          "jitter, listen, probability, upstream)"));
}

TEST(JsonSchemaMessages, UnknownParameterWithoutLookalikeListsTheKnownOnes) {
  const JsonSchema schema = must_parse(kProxySchema);
  EXPECT_THAT(errors_of(schema, R"({"listen": ":1", "upstream": "u:2", "colour": 1})"),
              ElementsAre("unknown parameter 'colour' (known: delay, jitter, listen, "
                          "probability, upstream)"));
}

TEST(JsonSchemaMessages, MissingRequiredParameterIsNamed) {
  const JsonSchema schema = must_parse(kProxySchema);
  EXPECT_THAT(errors_of(schema, R"({"listen": ":1"})"),
              ElementsAre("upstream: required parameter is missing"));
}

TEST(JsonSchemaMessages, BoundsNameTheFieldTheValueAndTheLimit) {
  const JsonSchema schema = must_parse(kProxySchema);
  EXPECT_THAT(errors_of(schema, R"({"listen": ":1", "upstream": "u", "probability": 1.5})"),
              ElementsAre("probability: 1.5 is above the maximum 1"));
  EXPECT_THAT(errors_of(schema, R"({"listen": ":1", "upstream": "u", "probability": -0.25})"),
              ElementsAre("probability: -0.25 is below the minimum 0"));
}

TEST(JsonSchemaMessages, WrongTypeSaysWhatWasExpected) {
  const JsonSchema schema = must_parse(R"({"properties": {
      "port": {"type": "integer"}, "host": {"type": ["string", "null"]}}})");
  EXPECT_THAT(errors_of(schema, R"({"port": "80"})"),
              ElementsAre("port: expected an integer, got \"80\""));
  EXPECT_THAT(errors_of(schema, R"({"port": 1.5})"),
              ElementsAre("port: expected an integer, got 1.5"));
  EXPECT_THAT(errors_of(schema, R"({"host": 5})"),
              ElementsAre("host: expected a string or null, got 5"));
  EXPECT_TRUE(errors_of(schema, R"({"port": 80.0, "host": null})").empty());
}

TEST(JsonSchemaMessages, NestedFieldsAndArrayItemsHaveFullPaths) {
  const JsonSchema schema = must_parse(R"({"properties": {
      "headers": {"properties": {"accept": {"type": "string"}}},
      "stages": {"type": "array", "items": {"properties": {"rate": {"minimum": 0}}}},
      "labels": {"additionalProperties": {"type": "string"}}}})");
  EXPECT_THAT(errors_of(schema, R"({"headers": {"accept": 5}})"),
              ElementsAre("headers.accept: expected a string, got 5"));
  EXPECT_THAT(errors_of(schema, R"({"stages": [{"rate": 1}, {"rate": 2}, {"rate": -1}]})"),
              ElementsAre("stages[2].rate: -1 is below the minimum 0"));
  EXPECT_THAT(errors_of(schema, R"({"labels": {"content type": 1}})"),
              ElementsAre("labels[\"content type\"]: expected a string, got 1"));
}

TEST(JsonSchemaMessages, EveryProblemIsReportedAndValidateJoinsThem) {
  const JsonSchema schema = must_parse(kProxySchema);
  const char* instance = R"({"listen": 1, "probability": 2})";
  EXPECT_THAT(errors_of(schema, instance), ElementsAre("upstream: required parameter is missing",
                                                       "listen: expected a string, got 1",
                                                       "probability: 2 is above the maximum 1"));
  const Status status = schema.validate(json::parse(instance));
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "3 problems: upstream: required parameter is missing; listen: expected a string, "
            "got 1; probability: 2 is above the maximum 1");
  EXPECT_TRUE(schema.validate(json::parse(R"({"listen": ":1", "upstream": "u"})")).is_ok());
}

TEST(JsonSchemaMessages, EnumListsTheChoicesAndSuggestsALookalike) {
  const JsonSchema schema = must_parse(R"({"properties": {
      "mode": {"type": "string", "enum": ["drop", "delay", "reset"]}}})");
  EXPECT_THAT(errors_of(schema, R"({"mode": "rest"})"),
              ElementsAre("mode: expected one of \"drop\", \"delay\", \"reset\", got \"rest\" "
                          "(did you mean \"reset\"?)"));
  // A wrong type is reported once, not again as "not one of the choices".
  EXPECT_THAT(errors_of(schema, R"({"mode": 3})"), ElementsAre("mode: expected a string, got 3"));
}

TEST(JsonSchemaMessages, AnyOfReportsTheBranchMeantForThatTypeOfValue) {
  const JsonSchema schema = must_parse(R"({"properties": {"timeout": {"anyOf": [
      {"type": "string", "format": "duration"}, {"type": "integer", "minimum": 0}]}}})");
  EXPECT_THAT(errors_of(schema, R"({"timeout": -5})"),
              ElementsAre("timeout: -5 is below the minimum 0"));
  EXPECT_THAT(errors_of(schema, R"({"timeout": true})"),
              ElementsAre("timeout: expected a duration like \"250ms\" or \"1m30s\" (numbers "
                          "with units: h, m, s, ms, us) or an integer, got true"));
  EXPECT_TRUE(errors_of(schema, R"({"timeout": "2s"})").empty());
}

TEST(JsonSchemaMessages, OneOfMatchingTwiceSaysWhichForms) {
  const JsonSchema schema = must_parse(R"({"oneOf": [{"minimum": 0}, {"maximum": 10}]})");
  EXPECT_THAT(
      errors_of(schema, "5"),
      ElementsAre("matches more than one of the allowed forms (1, 2); expected exactly one"));
}

TEST(JsonSchemaMessages, NoMatchingFormSaysWhatEachFormNeeds) {
  const JsonSchema schema = must_parse(R"({"properties": {"target": {"oneOf": [
      {"type": "object", "required": ["host"]}, {"type": "object", "required": ["pod"]}]}}})");
  EXPECT_THAT(errors_of(schema, R"({"target": {}})"),
              ElementsAre("target: does not match any of the allowed forms: (1) host: required "
                          "parameter is missing; (2) pod: required parameter is missing"));
}

TEST(JsonSchemaMessages, StringLengthCountsCharactersNotBytes) {
  const JsonSchema schema = must_parse(R"({"minLength": 3, "maxLength": 3})");
  EXPECT_TRUE(errors_of(schema, "\"h\u00e9\u00e9\"").empty());  // 5 bytes, 3 characters
  EXPECT_THAT(errors_of(schema, R"("ab")"),
              ElementsAre("expected at least 3 characters, got 2 (\"ab\")"));
}

TEST(JsonSchemaMessages, PatternIsSearchedAndQuotedInTheMessage) {
  const JsonSchema schema = must_parse(R"({"properties": {"id": {"pattern": "[0-9]+"}}})");
  EXPECT_TRUE(errors_of(schema, R"({"id": "abc123"})").empty());
  EXPECT_THAT(errors_of(schema, R"({"id": "abc"})"),
              ElementsAre("id: expected a string matching [0-9]+, got \"abc\""));
}

TEST(JsonSchemaDuration, AcceptsOperatorDurations) {
  const JsonSchema schema = must_parse(R"({"type": "string", "format": "duration"})");
  for (const char* ok :
       {"\"250ms\"", "\"1.5s\"", "\"2m\"", "\"500us\"", "\"1h\"", "\"1m30s\"", "\"1h2m3.5s\""}) {
    EXPECT_TRUE(errors_of(schema, ok).empty()) << ok;
  }
}

TEST(JsonSchemaDuration, RejectsNumbersAndStringsWithoutUnits) {
  const JsonSchema schema = must_parse(R"({"properties": {
      "delay": {"type": "string", "format": "duration"}}})");
  const std::string expected =
      "delay: expected a duration like \"250ms\" or \"1m30s\" (numbers with units: h, m, s, ms, "
      "us), got ";
  EXPECT_THAT(errors_of(schema, R"({"delay": 250})"), ElementsAre(expected + "250"));
  EXPECT_THAT(errors_of(schema, R"({"delay": "250"})"), ElementsAre(expected + "\"250\""));
  EXPECT_THAT(errors_of(schema, R"({"delay": "fast"})"), ElementsAre(expected + "\"fast\""));
}

TEST(JsonSchemaDefaults, FillsAbsentPropertiesWithoutOverwriting) {
  const JsonSchema schema = must_parse(kProxySchema);
  EXPECT_EQ(schema.with_defaults(json::parse(R"({"listen": ":1", "delay": "5s"})")),
            json::parse(R"({"listen": ":1", "delay": "5s", "probability": 1})"));
}

TEST(JsonSchemaDefaults, FillsNestedObjectsArraysAndRefs) {
  const JsonSchema schema = must_parse(R"({
    "definitions": {"rate": {"type": "integer", "default": 10}},
    "properties": {
      "headers": {"properties": {"accept": {"default": "*/*"}}},
      "retry": {"default": {}, "properties": {"count": {"default": 3}}},
      "stages": {"items": {"properties": {"rate": {"$ref": "#/definitions/rate"},
                                          "ramp": {"$ref": "#/definitions/rate", "default": 0}}}},
      "absent_parent": {"properties": {"x": {"default": 1}}}
    }})");
  EXPECT_EQ(schema.with_defaults(json::parse(R"({"headers": {}, "stages": [{}, {"rate": 5}]})")),
            json::parse(R"({"headers": {"accept": "*/*"}, "retry": {"count": 3},
                            "stages": [{"rate": 10, "ramp": 0}, {"rate": 5, "ramp": 0}]})"));
}

TEST(JsonSchemaRefs, PointerEscapesAndRootRefsResolve) {
  const JsonSchema schema = must_parse(R"({
    "definitions": {"a/b": {"type": "integer"}, "t~x": {"type": "string"},
                    "p%q": {"type": "boolean"}},
    "properties": {"slash": {"$ref": "#/definitions/a~1b"},
                   "tilde": {"$ref": "#/definitions/t~0x"},
                   "percent": {"$ref": "#/definitions/p%25q"},
                   "child": {"$ref": "#"}}})");
  EXPECT_TRUE(errors_of(schema, R"({"slash": 1, "tilde": "x", "percent": true,
                                    "child": {"slash": 2}})")
                  .empty());
  EXPECT_THAT(errors_of(schema, R"({"child": {"tilde": 1}})"),
              ElementsAre("child.tilde: expected a string, got 1"));
}

TEST(JsonSchemaRefs, SelfReferenceWithoutProgressIsStoppedNotACrash) {
  const JsonSchema schema = must_parse(R"({"allOf": [{"$ref": "#"}]})");
  const std::vector<std::string> errors = errors_of(schema, "1");
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].find("nests deeper than"), std::string::npos) << errors[0];
}

TEST(JsonSchemaParse, MalformedSchemasNameTheKeywordAndWhereItIs) {
  EXPECT_EQ(parse_error(R"({"properties": {"rate": {"minimum": "5"}}})"),
            "invalid schema at #/properties/rate: 'minimum' must be a number, got \"5\"");
  EXPECT_NE(parse_error(R"({"type": "strnig"})").find("'type' must be one of"), std::string::npos);
  EXPECT_NE(parse_error(R"({"pattern": "(unclosed"})").find("'pattern' has an invalid regular"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"minLength": -1})").find("non-negative integer"), std::string::npos);
  EXPECT_NE(parse_error(R"({"multipleOf": 0})").find("greater than 0"), std::string::npos);
  EXPECT_NE(parse_error(R"({"anyOf": []})").find("non-empty array"), std::string::npos);
  EXPECT_NE(parse_error("5").find("must be an object or true/false"), std::string::npos);
  EXPECT_NE(parse_error(R"({"type": )").find("not valid JSON"), std::string::npos);
}

TEST(JsonSchemaParse, UnsupportedKeywordsAreRefusedNotIgnored) {
  EXPECT_EQ(parse_error(R"({"properties": {"rate": {"maximun": 5}}})"),
            "invalid schema at #/properties/rate: unsupported keyword 'maximun' (did you mean "
            "'maximum'?); vendor annotations must start with \"x-\"");
  EXPECT_NE(parse_error(R"({"contentMediaType": "application/json"})").find("unsupported"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"$schema": "https://json-schema.org/draft/2020-12/schema"})")
                .find("'$schema' must name draft 7"),
            std::string::npos);
  EXPECT_TRUE(JsonSchema::parse(R"({"x-ui": {"widget": "slider"}, "$comment": "ok",
                                   "$schema": "http://json-schema.org/draft-07/schema#"})")
                  .is_ok());
}

TEST(JsonSchemaParse, RefsThatCannotBeHonouredAreRefused) {
  EXPECT_NE(parse_error(R"({"properties": {"a": {"$ref": "#/definitions/missing"}}})")
                .find("'$ref' \"#/definitions/missing\" points to nothing"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"$ref": "http://example.com/s.json"})").find("is not local"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"definitions": {"a": {"$id": "#a"}}})").find("'$id' is only"),
            std::string::npos);
  EXPECT_NE(parse_error(R"({"definitions": {"a": {"$ref": "#/definitions/b"},
                                            "b": {"$ref": "#/definitions/a"}}})")
                .find("cycle"),
            std::string::npos);
  // Draft 7 would silently ignore maxItems here; we say so instead.
  EXPECT_NE(parse_error(R"({"definitions": {"l": {"type": "array"}},
                            "properties": {"a": {"$ref": "#/definitions/l", "maxItems": 2}}})")
                .find("'maxItems' beside '$ref'"),
            std::string::npos);
}

TEST(JsonSchemaParse, JsonReturnsTheDocumentAndCopiesShareIt) {
  const JsonSchema schema = must_parse(R"({"title": "t", "type": "object"})");
  const JsonSchema copy = schema;  // NOLINT: copying is the point
  EXPECT_EQ(copy.json(), json::parse(R"({"title": "t", "type": "object"})"));
  EXPECT_EQ(&copy.json(), &schema.json());
}

}  // namespace
}  // namespace chaos::schema
