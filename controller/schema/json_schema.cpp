#include "schema/json_schema.h"

#include <boost/json/parse.hpp>
#include <exception>

#include "schema/schema_compiler.h"
#include "schema/schema_defaults.h"
#include "schema/schema_node.h"
#include "schema/schema_validator.h"

namespace chaos::schema {
namespace json = boost::json;

JsonSchema::JsonSchema(std::shared_ptr<const detail::CompiledSchema> compiled)
    : compiled_(std::move(compiled)) {}

Result<JsonSchema> JsonSchema::parse(const json::value& schema) {
  // Catch-all: std::regex and allocation can throw, and nothing may escape the public API.
  try {
    auto compiled = std::make_shared<detail::CompiledSchema>();
    compiled->document = schema;
    Status status = detail::compile_schema(*compiled);
    if (!status.is_ok()) return status;
    return JsonSchema(std::move(compiled));
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string("cannot compile schema: ") + e.what());
  }
}

Result<JsonSchema> JsonSchema::parse(std::string_view schema_text) {
  boost::system::error_code ec;
  json::value schema;
  try {
    schema = json::parse(json::string_view(schema_text.data(), schema_text.size()), ec);
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string("schema is not valid JSON: ") + e.what());
  }
  if (ec) return Status::invalid_argument("schema is not valid JSON: " + ec.message());
  return parse(schema);
}

std::vector<std::string> JsonSchema::errors(const json::value& instance) const {
  std::vector<std::string> out;
  try {
    std::vector<detail::Issue> issues;
    detail::Validator(*compiled_).check(0, instance, "", &issues);
    for (auto& issue : issues) {
      out.push_back(issue.path.empty() ? std::move(issue.message)
                                       : issue.path + ": " + issue.message);
    }
  } catch (const std::exception& e) {
    out.push_back(std::string("could not validate: ") + e.what());
  }
  return out;
}

Status JsonSchema::validate(const json::value& instance) const {
  const std::vector<std::string> problems = errors(instance);
  if (problems.empty()) return Status::ok();
  if (problems.size() == 1) return Status::invalid_argument(problems[0]);
  std::string message = std::to_string(problems.size()) + " problems: ";
  for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
  return Status::invalid_argument(std::move(message));
}

json::value JsonSchema::with_defaults(const json::value& instance) const {
  try {
    return detail::fill_defaults(*compiled_, 0, instance);
  } catch (const std::exception&) {
    return instance;  // only allocation can fail here; the unfilled copy is the honest answer
  }
}

const json::value& JsonSchema::json() const { return compiled_->document; }

}  // namespace chaos::schema
