// common/utf8.h: which bytes are refused, and what stored text reads back as.
#include "common/utf8.h"

#include <gtest/gtest.h>

namespace chaos {
namespace {

TEST(Utf8, WellFormedTextIsValid) {
  EXPECT_EQ(first_invalid_utf8(""), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("plain ascii"), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"),
            std::nullopt);
}

TEST(Utf8, NamesTheFirstBadByte) {
  EXPECT_EQ(first_invalid_utf8("10\xFFms"), 2u);          // never valid
  EXPECT_EQ(first_invalid_utf8("caf\xE9"), 3u);           // Latin-1, not UTF-8
  EXPECT_EQ(first_invalid_utf8("ab\xC3"), 2u);            // cut short
  EXPECT_EQ(first_invalid_utf8("\xC3\x28"), 0u);          // bad continuation
  EXPECT_EQ(first_invalid_utf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\xAF"), 0u);      // overlong, three bytes
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);     // a UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("\xF5\x80\x80\x80"), 0u);
}

TEST(Utf8, ReplacesEachBadByteWithTheReplacementCharacter) {
  EXPECT_EQ(valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(valid_utf8("caf\xE9!"), "caf\xEF\xBF\xBD!");
  EXPECT_EQ(valid_utf8("\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(first_invalid_utf8(valid_utf8("\xC3\x28\xED\xA0\x80 \xF0\x9F")), std::nullopt);
}

}  // namespace
}  // namespace chaos
