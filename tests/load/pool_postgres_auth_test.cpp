// pool_exhaustion's postgres mode with password authentication: against real PostgreSQL 15
// (scram-sha-256, md5, password) on 127.0.0.1, against a fake server for what real PostgreSQL
// will not do (an unsupported SASL mechanism, a SCRAM signature that does not match), and the
// password parameters' checks. The password must never show in a status, a log or an error.
#include <stdlib.h>

#include <chrono>

#include "load/fake_postgres.h"
#include "load/load_fixture.h"
#include "load/servers.h"

using namespace chaos;
using namespace chaos::load_test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kPassword = "Chaos-pw-8f3k";
constexpr const char* kWrongPassword = "not-the-password";
constexpr const char* kPasswordVariable = "CHAOS_TEST_PG_PASSWORD";

std::string pool_params(const std::string& target, const std::string& extra) {
  return R"({"target":")" + target + R"(","mode":"postgres","connections":8,"user":"chaos")" +
         extra + "}";
}

// No log line of `fault_name`, and not the fault's status, contains `secret`.
void expect_not_shown(sdk::FakeFault& fault, const std::string& fault_name,
                      const std::string& secret) {
  EXPECT_EQ(fault.status().output.find(secret), std::string::npos) << fault.status().output;
  for (const auto& line : plugin().records().logs) {
    if (line.fault == fault_name) {
      EXPECT_EQ(line.message.find(secret), std::string::npos) << line.message;
    }
  }
}

// Every "held" sample the fault reported, and its status now, say 0.
void expect_never_held(sdk::FakeFault& fault, const std::string& fault_name) {
  EXPECT_EQ(status_number(fault, "held"), 0) << fault.status().output;
  for (const auto& m : plugin().records().metrics) {
    if (m.fault == fault_name && m.name == "held") {
      EXPECT_EQ(m.value, 0);
    }
  }
}

// A string field of the fault's status ("" if absent).
std::string status_text(sdk::FakeFault& fault, const std::string& key) {
  const sdk::Json json = sdk::Json::parse(fault.status().output);
  const sdk::Json* v = json.find(key);
  return v && v->is_string() ? v->as_string() : "";
}

bool logged(const std::string& fault_name, const std::string& part) {
  for (const auto& line : plugin().records().logs) {
    if (line.fault == fault_name && line.message.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

class PoolExhaustionPostgresAuth : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
    const std::string why = missing_postgres();
    ASSERT_TRUE(why.empty()) << why;
  }
};

}  // namespace

// With the right password the sessions authenticate and take every slot: psql, with the same
// role and password, gets "too many clients" until the fault stops, then connects again.
// scram-sha-256 reads the password from password_env; md5 and password take it directly.
TEST_P(PoolExhaustionPostgresAuth, RightPasswordHoldsEverySlotUntilStopped) {
  const std::string method = GetParam();
  Postgres pg(/*max_connections=*/5, {method, "chaos", kPassword});
  ASSERT_TRUE(pg.ready()) << pg.log();
  const bool from_env = method == "scram-sha-256";
  if (from_env) setenv(kPasswordVariable, kPassword, 1);
  const std::string name = "pool-" + method;
  auto fault = plugin().create(
      "pool_exhaustion",
      pool_params(pg.target(), from_env
                                   ? R"(,"password_env":")" + std::string(kPasswordVariable) + "\""
                                   : R"(,"password":")" + std::string(kPassword) + "\""),
      name);
  if (from_env) unsetenv(kPasswordVariable);  // read at create
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  ASSERT_TRUE(test::wait_for(
      [&] { return status_number(fault, "held") == 5 && status_number(fault, "refused") >= 3; },
      15s))
      << fault.status().output << pg.log();
  const std::string status = fault.status().output;
  EXPECT_NE(status.find("\"auth_method\":\"" + method + "\""), std::string::npos) << status;
  EXPECT_NE(status.find("too many clients"), std::string::npos) << status;
  const std::string refused = pg.psql("select 1");
  EXPECT_TRUE(refused.find("too many clients") != std::string::npos ||
              refused.find("remaining connection slots are reserved") != std::string::npos)
      << refused;
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_TRUE(
      test::wait_for([&] { return pg.psql("select 1").find("(1 row)") != std::string::npos; }, 10s))
      << pg.psql("select 1");
  expect_not_shown(fault, name, kPassword);
}

// A wrong password: every attempt is refused with the server's reason (28P01), shown in the
// status and logged once; none is ever held. Then no password at all: refused without an
// answer, naming the method and the role.
TEST_P(PoolExhaustionPostgresAuth, WrongOrMissingPasswordIsRefusedWithTheReason) {
  const std::string method = GetParam();
  Postgres pg(/*max_connections=*/5, {method, "chaos", kPassword});
  ASSERT_TRUE(pg.ready()) << pg.log();
  const std::string name = "pool-wrong-" + method;
  auto fault = plugin().create(
      "pool_exhaustion",
      pool_params(pg.target(), R"(,"password":")" + std::string(kWrongPassword) + "\""), name);
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  const std::string reason =
      "postgres: password authentication failed for user \"chaos\" (SQLSTATE 28P01)";
  int max_held = 0;
  ASSERT_TRUE(test::wait_for(
      [&] {
        max_held = std::max(max_held, static_cast<int>(status_number(fault, "held")));
        return status_number(fault, "refused") >= 3 && logged(name, reason);
      },
      15s))
      << fault.status().output;
  EXPECT_EQ(max_held, 0);
  EXPECT_EQ(status_text(fault, "last_refusal"), reason) << fault.status().output;
  EXPECT_EQ(status_text(fault, "auth_method"), method);
  ASSERT_TRUE(fault.stop().ok());
  expect_never_held(fault, name);
  EXPECT_EQ(status_number(fault, "dropped_by_peer"), 0);
  EXPECT_EQ(status_number(fault, "timeouts"), 0);
  expect_not_shown(fault, name, kWrongPassword);
  // The server is fine: the real client with the right password gets in.
  EXPECT_NE(pg.psql("select 1").find("(1 row)"), std::string::npos);

  const std::string bare = "pool-nopassword-" + method;
  auto no_password = plugin().create("pool_exhaustion", pool_params(pg.target(), ""), bare);
  ASSERT_TRUE(no_password.ok()) << no_password.created();
  ASSERT_TRUE(no_password.start().ok());
  const std::string expected = "postgres: the server asks for " + method +
                               " authentication of user \"chaos\", but no password was given "
                               "(set password or password_env)";
  EXPECT_TRUE(test::wait_for(
      [&] {
        return status_number(no_password, "refused") >= 2 &&
               no_password.status().output.find(expected.substr(0, 40)) != std::string::npos;
      },
      10s))
      << no_password.status().output;
  ASSERT_TRUE(no_password.stop().ok());
  expect_never_held(no_password, bare);
  EXPECT_TRUE(logged(bare, expected)) << no_password.status().output;
}

INSTANTIATE_TEST_SUITE_P(PoolPostgres, PoolExhaustionPostgresAuth,
                         testing::Values("scram-sha-256", "md5", "password"), test_name);

namespace {

// A server that offers only mechanisms we do not speak.
void offer_unsupported_mechanisms(FakePostgres::Conn& c) {
  c.send_auth(10, std::string("SCRAM-SHA-1\0OAUTHBEARER\0\0", 25));
  c.wait_closed();
}

// A server that runs SCRAM-SHA-256 without knowing the password: it cannot check the proof,
// and the signature it sends (all zero) cannot match; then it says AuthenticationOk anyway.
void scram_without_the_password(FakePostgres::Conn& c) {
  c.send_auth(10, std::string("SCRAM-SHA-256\0\0", 15));
  const std::string initial = c.read_message('p');  // mechanism, length, "n,,n=,r=<nonce>"
  const size_t r = initial.find("r=");
  if (r == std::string::npos) return;
  c.send_auth(11, initial.substr(r) + "fake,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  if (c.read_message('p').empty()) return;  // client-final
  c.send_auth(12, "v=" + std::string(43, 'A') + "=");
  c.send_auth(0, "");
  c.send_ready();
  c.wait_closed();
}

void expect_refused_by_fake(FakePostgres::Script script, const std::string& name,
                            const std::string& reason) {
  ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
  FakePostgres server(std::move(script));
  ASSERT_NE(server.port(), 0);
  auto fault = plugin().create(
      "pool_exhaustion",
      pool_params(server.target(), R"(,"password":")" + std::string(kPassword) + "\""), name);
  ASSERT_TRUE(fault.ok()) << fault.created();
  ASSERT_TRUE(fault.start().ok());
  EXPECT_TRUE(test::wait_for(
      [&] {
        return status_number(fault, "refused") >= 3 &&
               status_text(fault, "last_refusal").rfind(reason, 0) == 0 && logged(name, reason);
      },
      10s))
      << fault.status().output;
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(fault.stop().ok());
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  expect_never_held(fault, name);
  EXPECT_GE(server.served(), 3);
  expect_not_shown(fault, name, kPassword);
}

}  // namespace

TEST(PoolExhaustionFakePostgres, UnsupportedSaslMechanismIsRefusedNamingTheOffer) {
  expect_refused_by_fake(offer_unsupported_mechanisms, "pool-fake-sasl",
                         "postgres: the server offers SASL mechanism(s) SCRAM-SHA-1, OAUTHBEARER; "
                         "only SCRAM-SHA-256 is supported");
}

TEST(PoolExhaustionFakePostgres, ScramServerSignatureThatDoesNotMatchIsRefused) {
  expect_refused_by_fake(scram_without_the_password, "pool-fake-signature",
                         "postgres: the server's SCRAM signature does not match");
}

// password and password_env: one or the other, postgres only, and no message ever quotes the
// password.
TEST(PoolExhaustionParams, PasswordParametersAreCheckedWithoutShowingThePassword) {
  ASSERT_TRUE(plugin().loaded()) << plugin().load_error();
  auto refused = [](const std::string& params, const std::string& field) {
    auto f = plugin().create("pool_exhaustion", params);
    EXPECT_FALSE(f.ok()) << params;
    const std::string message = f.created().message;
    EXPECT_EQ(message.rfind(field, 0), 0u) << message;  // begins with the field
    EXPECT_EQ(message.find(kPassword), std::string::npos) << message;
    return message;
  };
  const std::string both =
      refused(pool_params("127.0.0.1:5432", R"(,"password":")" + std::string(kPassword) +
                                                R"(","password_env":"PGPASS_FOR_TEST")"),
              "password_env");
  EXPECT_NE(both.find("not both"), std::string::npos) << both;
  unsetenv("CHAOS_TEST_UNSET_VARIABLE");
  const std::string unset =
      refused(pool_params("127.0.0.1:5432", R"(,"password_env":"CHAOS_TEST_UNSET_VARIABLE")"),
              "password_env");
  EXPECT_NE(unset.find("CHAOS_TEST_UNSET_VARIABLE is not set"), std::string::npos) << unset;
  refused(pool_params("127.0.0.1:5432", R"(,"password_env":"1-not a name")"), "password_env");
  refused(
      R"({"target":"127.0.0.1:5432","mode":"tcp","password":")" + std::string(kPassword) + "\"}",
      "password");
  const std::string long_password = std::string(kPassword) + std::string(1100, 'x');
  auto f = plugin().create(
      "pool_exhaustion", pool_params("127.0.0.1:5432", R"(,"password":")" + long_password + "\""));
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(f.created().message.find("xxxx"), std::string::npos) << f.created().message;
  // The schema marks it write-only (never to be shown back).
  const std::string schema = plugin().kind("pool_exhaustion")->params_schema;
  EXPECT_NE(schema.find(R"("writeOnly": true)"), std::string::npos);
}
