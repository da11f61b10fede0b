#include "db_protocol.h"

#include <gtest/gtest.h>

namespace chaos::demo {
namespace {

TEST(DbProtocol, PriceIsStablePerSkuAndInRange) {
  DbState state;
  const auto first = answer_db_request("PRICE sku-42", state);
  EXPECT_EQ(first, answer_db_request("PRICE sku-42\r", state));
  ASSERT_TRUE(first.starts_with("OK "));
  const int cents = std::stoi(first.substr(3));
  EXPECT_GE(cents, 100);
  EXPECT_LT(cents, 10000);
}

TEST(DbProtocol, ReservationsCountUp) {
  DbState state;
  EXPECT_EQ(answer_db_request("RESERVE sku-1", state), "OK 1");
  EXPECT_EQ(answer_db_request("RESERVE sku-2", state), "OK 2");
}

TEST(DbProtocol, BadRequestsGetErrNotACrash) {
  DbState state;
  EXPECT_EQ(answer_db_request("PING", state), "OK PONG");
  EXPECT_EQ(answer_db_request("", state), "ERR unknown command");
  EXPECT_EQ(answer_db_request("DROP TABLE", state), "ERR unknown command");
  EXPECT_EQ(answer_db_request("PRICE", state), "ERR bad sku");
  EXPECT_EQ(answer_db_request("PRICE a b", state), "ERR bad sku");
}

}  // namespace
}  // namespace chaos::demo
