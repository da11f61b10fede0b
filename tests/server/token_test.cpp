// The bearer token: generated once with mode 0600, reused, overridable, refused when readable.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "server/token.h"
#include "support/test_support.h"

namespace chaos::server {
namespace {

TEST(Token, IsGeneratedOnceWithMode0600AndReused) {
  test::TempDir dir;
  const std::string db = dir.file("chaos.db");
  auto first = load_or_create_token(db, "");
  ASSERT_TRUE(first) << first.status().message();
  EXPECT_EQ(first->size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(token_path_for(db).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = load_or_create_token(db, "");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
}

TEST(Token, AGivenTokenWinsAndWritesNothing) {
  test::TempDir dir;
  auto token = load_or_create_token(dir.file("chaos.db"), "mine");
  ASSERT_TRUE(token);
  EXPECT_EQ(*token, "mine");
  struct stat st {};
  EXPECT_NE(::stat(token_path_for(dir.file("chaos.db")).c_str(), &st), 0);
}

TEST(Token, AFileOthersCanReadIsRefused) {
  test::TempDir dir;
  const std::string db = dir.file("chaos.db");
  test::write_file(token_path_for(db), "abc\n");
  ::chmod(token_path_for(db).c_str(), 0644);
  auto token = load_or_create_token(db, "");
  ASSERT_FALSE(token);
  EXPECT_NE(token.status().message().find("chmod 600"), std::string::npos);
}

TEST(Token, MatchingNeedsTheBearerSchemeAndTheExactToken) {
  EXPECT_TRUE(token_matches("abc", "Bearer abc"));
  EXPECT_FALSE(token_matches("abc", "Bearer abcd"));
  EXPECT_FALSE(token_matches("abc", "Bearer ab"));
  EXPECT_FALSE(token_matches("abc", "abc"));
  EXPECT_FALSE(token_matches("abc", ""));
  EXPECT_FALSE(token_matches("", "Bearer "));
}

}  // namespace
}  // namespace chaos::server
