#pragma once
// Helpers for talking about JSON to people, plus JSON Schema's notions of number and equality.
// Internal to chaos_schema.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace chaos::schema::detail {

// Renders `v` compactly for a message, numbers as people write them ("1.5", not "1.5E0"), cut
// to about `max_chars` with "...".
std::string render(const boost::json::value& v, size_t max_chars = 60);

// REQUIRES: v.is_number()
std::string render_number(const boost::json::value& v);

// JSON Schema equality: numbers compare by value (1 == 1.0), object key order does not matter.
bool json_equal(const boost::json::value& a, const boost::json::value& b);

// Three-way compare (-1, 0, 1), exact when both are integers. REQUIRES: both are numbers.
int compare_numbers(const boost::json::value& a, const boost::json::value& b);

// REQUIRES: v.is_number()
double to_double(const boost::json::value& v);

// True for integer kinds and for finite doubles without a fractional part (1.0).
bool is_integer(const boost::json::value& v);

// True when `value` is a whole multiple of `divisor`. REQUIRES: both numbers, divisor > 0.
bool is_multiple_of(const boost::json::value& value, const boost::json::value& divisor);

// Paths as an operator writes them: "headers" + "accept" -> "headers.accept", "stages" + 2 ->
// "stages[2]". Names that are not identifiers are quoted: headers["content type"].
std::string join_path(std::string_view parent, std::string_view name);
std::string join_path(std::string_view parent, size_t index);

// The candidate nearest to `name` when it is close enough to be a typo ("dealy" -> "delay");
// empty otherwise.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

// Number of Unicode code points in UTF-8 text (what minLength/maxLength count).
size_t count_code_points(std::string_view utf8);

// "'a', 'b', 'c'" for lists in messages.
std::string quoted_list(const std::vector<std::string>& names, std::string_view quote = "'");

}  // namespace chaos::schema::detail
