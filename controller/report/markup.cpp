#include "report/markup.h"

namespace chaos::report {

namespace {

std::string escaped(std::string_view text, bool keep_line_breaks) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += keep_line_breaks ? "\n" : "&#10;";
        break;
      case '\t':
        out += keep_line_breaks ? "\t" : "&#9;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
  }
  return out;
}

}  // namespace

std::string markup_escaped(std::string_view text) { return escaped(text, false); }

std::string markup_text(std::string_view text) { return escaped(text, true); }

}  // namespace chaos::report
