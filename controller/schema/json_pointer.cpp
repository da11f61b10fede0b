#include "schema/json_pointer.h"

#include <cctype>

namespace chaos::schema::detail {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

std::string escape_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

Result<std::vector<std::string>> decode_local_ref(std::string_view ref) {
  if (ref.empty() || ref[0] != '#') {
    return Status::invalid_argument(
        "is not local; only references into this schema ('#/definitions/...') are supported");
  }
  std::string fragment;
  for (size_t i = 1; i < ref.size(); ++i) {
    if (ref[i] != '%') {
      fragment += ref[i];
      continue;
    }
    const int high = i + 2 < ref.size() ? hex_value(ref[i + 1]) : -1;
    const int low = i + 2 < ref.size() ? hex_value(ref[i + 2]) : -1;
    if (high < 0 || low < 0) return Status::invalid_argument("has a malformed %-escape");
    fragment += static_cast<char>(high * 16 + low);
    i += 2;
  }
  std::vector<std::string> tokens;
  if (fragment.empty()) return tokens;
  if (fragment[0] != '/') {
    return Status::invalid_argument(
        "names a location by $id, which is not supported; use a JSON pointer like "
        "'#/definitions/name'");
  }
  for (size_t start = 1; start <= fragment.size();) {
    const size_t end = std::min(fragment.find('/', start), fragment.size());
    std::string token;
    for (size_t i = start; i < end; ++i) {
      if (fragment[i] != '~') {
        token += fragment[i];
      } else if (i + 1 < end && (fragment[i + 1] == '0' || fragment[i + 1] == '1')) {
        token += fragment[++i] == '0' ? '~' : '/';
      } else {
        return Status::invalid_argument("has a '~' that is not ~0 or ~1");
      }
    }
    tokens.push_back(std::move(token));
    start = end + 1;
  }
  return tokens;
}

}  // namespace chaos::schema::detail
