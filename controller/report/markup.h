#pragma once
// Escaping for the XML and HTML reports (junit_report.cpp, html_report.cpp), so a title, a
// reason or an experiment's source can hold any text without breaking the markup.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

namespace chaos::report {

// Safe inside a double- or single-quoted attribute value and in text. Line breaks and tabs
// become character references; other control characters (which XML 1.0 forbids even as
// references) become spaces.
std::string markup_escaped(std::string_view text);

// Safe in text content (not attributes); keeps line breaks as they are, for <pre> and
// <system-out>.
std::string markup_text(std::string_view text);

}  // namespace chaos::report
