// The refused-starts log: kept in the journal's file, newest first, per schedule, and across
// reopening.
#include "store/refusal_log.h"

#include <gtest/gtest.h>

#include "store/store.h"
#include "temp_dir.h"

namespace chaos::store {
namespace {

RefusalRecord refusal(int64_t at, const std::string& origin, const std::string& schedule,
                      const std::string& message) {
  RefusalRecord r;
  r.unix_ms = at;
  r.origin = origin;
  r.experiment = "experiments/db_slowdown.lua";
  r.schedule = schedule;
  r.blackout = origin == "schedule" ? "Fri 16:00-Mon 08:00 Europe/Berlin" : "";
  r.message = message;
  return r;
}

TEST(RefusalLog, KeepsRefusalsNewestFirstPerScheduleAndAcrossReopening) {
  testing::TempDir dir;
  const std::string path = dir.file("chaos.db");
  {
    auto log = RefusalLog::open(path);
    ASSERT_TRUE(log) << log.status().message();
    ASSERT_TRUE((*log)->append(refusal(1000, "schedule", "0 14 * * wed", "first")));
    ASSERT_TRUE((*log)->append(refusal(2000, "api", "", "from the API")));
    ASSERT_TRUE((*log)->append(refusal(3000, "schedule", "0 14 * * wed", "second")));
    ASSERT_TRUE((*log)->append(refusal(4000, "schedule", "*/5 * * * *", "other schedule")));
  }
  auto log = RefusalLog::open(path);
  ASSERT_TRUE(log) << log.status().message();
  auto all = (*log)->recent(10);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].message, "other schedule");
  EXPECT_EQ((*all)[3].message, "first");
  EXPECT_EQ((*all)[2].origin, "api");
  auto mine = (*log)->recent_for_schedule("0 14 * * wed", "experiments/db_slowdown.lua", 1);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].message, "second");
  EXPECT_EQ((*mine)[0].unix_ms, 3000);
  EXPECT_EQ((*mine)[0].blackout, "Fri 16:00-Mon 08:00 Europe/Berlin");
  EXPECT_EQ((*log)->count_for_schedule("0 14 * * wed", "experiments/db_slowdown.lua").value_or(-1),
            2);
  EXPECT_EQ((*log)->count_for_schedule("0 14 * * wed", "other.lua").value_or(-1), 0);
  // The same file is an ordinary store too.
  auto store = Store::open(path);
  ASSERT_TRUE(store) << store.status().message();
}

TEST(RefusalLog, AnOriginOtherThanScheduleOrApiIsRefusedByTheSchema) {
  testing::TempDir dir;
  auto log = RefusalLog::open(dir.file("chaos.db"));
  ASSERT_TRUE(log);
  EXPECT_FALSE((*log)->append(refusal(1, "cron", "", "x")));
}

}  // namespace
}  // namespace chaos::store
