// The run's faults as the script and the store see them: ids that cannot be made up, a
// recovery record that holds what the journal redacts, and proxies shared by declared
// capability rather than by kind name.
#include "engine/run_fixture.h"

namespace chaos::engine::testing {
namespace {

using journal::EventKind;

// Issue 17.9: ids were cast to int, so (1<<32)+1 stopped fault 1; and a made-up id was fine.
TEST_F(RunTest, FaultIdsAreNeverTruncatedAndAMadeUpIdIsAnError) {
  Status wide, made_up, again;
  bool still_on = false;
  auto outcome = run(R"(experiment { title = "t",
    method = { fault "fake" { file = "${F}", duration = "5s" } } })",
                     [&](engine::Run& r) {
                       observer_.when_started = [&](const FaultInfo& f) {
                         wide = r.stop_fault((int64_t{1} << 32) + f.id);
                         made_up = r.stop_fault(99);
                         still_on = test::read_file(file("fault")) == "on";
                         again = r.stop_fault(f.id);
                       };
                     });
  EXPECT_EQ(wide.code(), Status::Code::kNotFound);
  EXPECT_EQ(wide.message(), "no fault with id 4294967297");
  EXPECT_EQ(made_up.code(), Status::Code::kNotFound);
  EXPECT_TRUE(still_on);
  EXPECT_TRUE(again.is_ok()) << again.message();
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
}

TEST_F(RunTest, AFaultInLuaIsAReadOnlyHandleNotATable) {
  auto outcome = run(R"LUA(experiment { title = "t", method = function()
    local f = chaos.inject("fake", { file = "${F}" })
    assert(type(f) == "userdata" and getmetatable(f) == false)
    assert(tostring(f) == "fault 1 (fake 'fake-1')", tostring(f))
    assert(f.id == 1 and f.kind == "fake" and f.name == "fake-1")
    assert(not pcall(function() f.id = 2 end))
    assert(not pcall(f.stop, { id = 1 }))        -- a look-alike table is not a fault
    f:update { level = 7 }
    chaos.sleep("1s")
    f:stop()
    f:stop()                                      -- stopping twice is fine
    local ok, err = pcall(function() return f.params end)
    assert(not ok and err:find("a fault has no field 'params'"), err)
  end })LUA");
  EXPECT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  EXPECT_TRUE(observer_.saw(EventKind::kFaultUpdate));
  EXPECT_EQ(test::read_file(file("fault")), "off");
}

TEST_F(RunTest, AnUpdateKeepsTheParametersItDoesNotName) {
  auto outcome = run(R"(experiment { title = "t", method = function()
    local f = chaos.inject("fake", { file = "${F}", level = 2 })
    f:update { level = 7 }
    chaos.sleep("1s")
  end })");
  ASSERT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  for (const auto& e : observer_.events) {
    if (e.kind != EventKind::kFaultUpdate) continue;
    EXPECT_NE(e.detail_json.find("\"level\":7"), std::string::npos) << e.detail_json;
    EXPECT_NE(e.detail_json.find("\"file\":\"" + file("fault") + "\""), std::string::npos);
  }
}

// Issue 14.3: the journal redacts writeOnly values; reconcile needs them. The recovery record
// has them while the fault may be injected, and nothing once the run is over.
TEST_F(RunTest, TheRecoveryRecordKeepsWhatTheJournalRedactsOnlyWhileTheFaultIsOn) {
  std::vector<store::RecoveryRecord> while_on;
  auto outcome = run(R"(experiment { title = "t",
    method = { fault "fake" { file = "${F}", password = "hunter2", duration = "2s" } } })",
                     [&](engine::Run&) {
                       observer_.when_started = [&](const FaultInfo&) {
                         auto runs = store_->runs_left_running();
                         while_on = store_->recovery_records(runs->front().id).value();
                       };
                     });
  ASSERT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  ASSERT_EQ(while_on.size(), 1u);
  EXPECT_EQ(while_on[0].kind, "fake");
  EXPECT_NE(while_on[0].params_json.find("\"password\":\"hunter2\""), std::string::npos);
  for (const auto& e : store_->events(outcome.run_id).value()) {
    EXPECT_EQ(e.message.find("hunter2"), std::string::npos) << e.message;
    EXPECT_EQ(e.detail_json.find("hunter2"), std::string::npos) << e.detail_json;
  }
  EXPECT_TRUE(store_->recovery_records(outcome.run_id)->empty());
}

// Issue 14.4: which kind is a proxy and which acts on one is declared by the plugin; the
// engine knows neither kind by name.
TEST_F(RunTest, AProxyIsSharedByDeclaredCapabilityNotByKindName) {
  std::string proxy_while_on, attached_while_on;
  auto outcome = run(R"(experiment { title = "t",
    proxies = { p = { file = "${DIR}/proxy", route = "a->b" } },
    method = { fault "fake_on_proxy" { proxy = "p", duration = "1s" } } })",
                     [&](engine::Run&) {
                       observer_.when_started = [&](const FaultInfo&) {
                         proxy_while_on = test::read_file(file("proxy"));
                         attached_while_on = test::read_file(file("proxy.attached"));
                       };
                     });
  ASSERT_EQ(outcome.verdict, Verdict::kPassed) << outcome.reason;
  EXPECT_EQ(proxy_while_on, "listening");
  EXPECT_EQ(attached_while_on, "a->b");
  EXPECT_EQ(test::read_file(file("proxy")), "closed");  // after every fault
  ASSERT_EQ(observer_.started.size(), 1u);
  // Only what the acting kind declares is filled in: the proxy's own "note" is not.
  EXPECT_NE(observer_.started[0].detail_json.find("\"route\":\"a->b\""), std::string::npos);
  EXPECT_EQ(observer_.started[0].detail_json.find("note"), std::string::npos);
}

TEST_F(RunTest, AnUnknownProxyIsRefusedBeforeAnythingStarts) {
  auto outcome = run(R"(experiment { title = "t",
    proxies = { p = { file = "${DIR}/proxy", route = "a->b" } },
    method = { fault "fake_on_proxy" { proxy = "q", duration = "1s" } } })");
  EXPECT_EQ(outcome.verdict, Verdict::kErrored);
  EXPECT_EQ(outcome.reason,
            "exp.lua:3: fake_on_proxy: unknown proxy 'q' (declare it in experiment { proxies = "
            "{ name = { file = ..., route = ... } } }, or keep it standing with `chaosctl proxy` "
            "and point --proxy-api at it)");
  EXPECT_EQ(test::read_file(file("proxy")), "");
}

}  // namespace
}  // namespace chaos::engine::testing
