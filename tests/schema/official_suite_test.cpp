// Runs the official JSON Schema draft 7 test suite (Debian package json-schema-test-suite)
// against JsonSchema: one test per suite file, each case checked for the expected verdict.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "schema/json_schema.h"

namespace chaos::schema {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr char kSuiteDir[] = "/usr/share/json-schema-test-suite/tests/draft7/";
constexpr char kInstallHint[] =
    "the official suite is missing; install it with `apt-get install json-schema-test-suite`";

// Files whose keywords are all supported. Every case in them must pass.
const std::vector<std::string> kRunFiles = {"additionalItems.json",
                                            "additionalProperties.json",
                                            "allOf.json",
                                            "anyOf.json",
                                            "boolean_schema.json",
                                            "const.json",
                                            "contains.json",
                                            "default.json",
                                            "dependencies.json",
                                            "enum.json",
                                            "exclusiveMaximum.json",
                                            "exclusiveMinimum.json",
                                            "if-then-else.json",
                                            "items.json",
                                            "maxItems.json",
                                            "maxLength.json",
                                            "maxProperties.json",
                                            "maximum.json",
                                            "minItems.json",
                                            "minLength.json",
                                            "minProperties.json",
                                            "minimum.json",
                                            "multipleOf.json",
                                            "not.json",
                                            "oneOf.json",
                                            "pattern.json",
                                            "patternProperties.json",
                                            "properties.json",
                                            "propertyNames.json",
                                            "ref.json",
                                            "required.json",
                                            "type.json",
                                            "uniqueItems.json",
                                            "optional/bignum.json",
                                            "optional/zeroTerminatedFloats.json"};

struct Skip {
  const char* file;   // relative to kSuiteDir; a trailing '/' skips a whole folder
  const char* group;  // a group's description; nullptr skips the whole file
  const char* why;
};

// What we deliberately do not support, and why.
const Skip kSkips[] = {
    {"refRemote.json", nullptr,
     "remote $ref (schemas served from http://localhost:1234); only local refs are supported"},
    {"definitions.json", nullptr,
     "validates against the draft 7 metaschema by its URL, a remote $ref"},
    {"optional/content.json", nullptr,
     "contentMediaType/contentEncoding are not supported (parse() rejects them)"},
    {"optional/ecmascript-regex.json", nullptr,
     "checks \"format\": \"regex\"; format is an annotation here except \"duration\""},
    {"optional/format/", nullptr,
     "format is an annotation here except our own \"duration\" format"},
    {"ref.json", "ref overrides any sibling keywords",
     "we reject validation keywords beside $ref instead of silently ignoring them"},
    {"ref.json", "remote ref, containing refs itself", "remote $ref to the draft 7 metaschema"},
    {"ref.json", "escaped pointer ref",
     "keeps subschemas under made-up top-level keys, which parse() rejects as unknown keywords; "
     "~0, ~1 and %25 in pointers are covered by json_schema_test"},
    {"ref.json", "Recursive references between schemas", "$id-based resolution of relative refs"},
};

const Skip* find_skip(const std::string& file, const std::string& group) {
  for (const Skip& skip : kSkips) {
    const std::string name = skip.file;
    const bool file_matches = name.back() == '/' ? file.rfind(name, 0) == 0 : file == name;
    if (file_matches && (skip.group == nullptr || group == skip.group)) return &skip;
  }
  return nullptr;
}

// Totals across files, printed once when the whole binary runs.
struct Totals {
  int ran = 0;
  int passed = 0;
  int skipped = 0;
};
Totals& totals() {
  static Totals t;
  return t;
}

class TotalsPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    std::cout << "[ draft7  ] " << totals().ran << " cases ran, " << totals().passed << " passed, "
              << totals().skipped << " skipped\n";
  }
};
const auto* const kPrinter = ::testing::AddGlobalTestEnvironment(new TotalsPrinter);

json::value read_json(const fs::path& path, boost::system::error_code& ec) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), ec);
}

int count_cases(const fs::path& path) {
  boost::system::error_code ec;
  const json::value groups = read_json(path, ec);
  int cases = 0;
  if (ec || !groups.is_array()) return 0;
  for (const auto& group : groups.get_array()) {
    cases += static_cast<int>(group.at("tests").as_array().size());
  }
  return cases;
}

class OfficialSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(OfficialSuite, EveryCaseGetsTheExpectedVerdict) {
  const std::string file = GetParam();
  const fs::path path = fs::path(kSuiteDir) / file;
  ASSERT_TRUE(fs::exists(path)) << path << ": " << kInstallHint;
  boost::system::error_code ec;
  const json::value groups = read_json(path, ec);
  ASSERT_FALSE(ec) << path << ": " << ec.message();

  int ran = 0, passed = 0, skipped = 0;
  for (const auto& group_value : groups.as_array()) {
    const auto& group = group_value.as_object();
    const std::string group_name(group.at("description").as_string());
    const auto& cases = group.at("tests").as_array();
    if (find_skip(file, group_name)) {
      skipped += static_cast<int>(cases.size());
      continue;
    }
    Result<JsonSchema> schema = JsonSchema::parse(group.at("schema"));
    ASSERT_TRUE(schema.is_ok()) << group_name << ": " << schema.status().message();
    for (const auto& case_value : cases) {
      const auto& test = case_value.as_object();
      const bool expected = test.at("valid").as_bool();
      const std::vector<std::string> errors = schema->errors(test.at("data"));
      ++ran;
      const bool ok = errors.empty() == expected &&
                      schema->validate(test.at("data")).is_ok() == expected &&
                      std::none_of(errors.begin(), errors.end(),
                                   [](const std::string& e) { return e.empty(); });
      if (ok) ++passed;
      EXPECT_TRUE(ok) << group_name << " / " << test.at("description").as_string() << ": expected "
                      << (expected ? "valid" : "invalid")
                      << ", errors: " << (errors.empty() ? std::string("(none)") : errors[0]);
    }
  }
  totals().ran += ran;
  totals().passed += passed;
  totals().skipped += skipped;
  std::cout << "[ draft7  ] " << file << ": " << ran << " ran, " << passed << " passed, " << skipped
            << " skipped\n";
  EXPECT_GT(ran, 0) << file << " ran no cases";
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);  // drop ".json"
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Draft7, OfficialSuite, ::testing::ValuesIn(kRunFiles), test_name);

// A new suite file (after a package upgrade) must be looked at: run it or say why not.
TEST(OfficialSuiteLayout, EveryFileIsRunOrSkippedWithAReason) {
  ASSERT_TRUE(fs::is_directory(kSuiteDir)) << kSuiteDir << ": " << kInstallHint;
  int files = 0;
  int skipped_cases = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kSuiteDir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    const std::string file = fs::relative(entry.path(), kSuiteDir).generic_string();
    const bool run = std::find(kRunFiles.begin(), kRunFiles.end(), file) != kRunFiles.end();
    const Skip* skip = find_skip(file, "");
    const bool skipped_whole = skip && skip->group == nullptr;
    EXPECT_TRUE(run != skipped_whole) << file << " must be either in kRunFiles or skipped whole";
    if (skipped_whole) skipped_cases += count_cases(entry.path());
  }
  EXPECT_GT(files, 30);
  std::cout << "[ draft7  ] files skipped whole hold " << skipped_cases << " cases\n";
}

}  // namespace
}  // namespace chaos::schema
