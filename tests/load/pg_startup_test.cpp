// The PostgreSQL start-up state machine (plugins/load/pg_startup.h) driven with byte strings:
// what it answers to each authentication request, and the reasons it refuses with.
#include "pg_startup.h"

#include <gtest/gtest.h>

#include <random>

using namespace chaos::load;
using Outcome = PgStartup::Outcome;

namespace {

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
// A backend message.
std::string msg(char type, const std::string& body) { return type + be32(body.size() + 4) + body; }
std::string auth(uint32_t code, const std::string& data = "") {
  return msg('R', be32(code) + data);
}
std::string ready() {
  return msg('S', std::string("TimeZone\0UTC\0", 13)) + msg('K', be32(7) + be32(9)) + msg('Z', "I");
}
std::string error(const std::string& code, const std::string& text) {
  return msg('E', "SFATAL" + std::string(1, '\0') + "C" + code + '\0' + "M" + text + '\0' + '\0');
}

std::string fixed_nonce() { return "rOprNGfwEbeRWgbNEkqO"; }

// One start-up with its own key cache, or a shared one (PBKDF2 once for many sessions).
struct Session {
  explicit Session(std::optional<std::string> password, std::string user = "chaos",
                   ScramKeyCache* shared = nullptr)
      : pg(login, shared ? *shared : own_keys, &fixed_nonce) {
    login.user = std::move(user);
    login.password = std::move(password);
  }
  PgLogin login;
  ScramKeyCache own_keys;
  PgStartup pg;
  std::string reply;
  Outcome feed(const std::string& bytes) {
    reply.clear();
    return pg.feed(bytes, &reply);
  }
};

constexpr const char* kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

}  // namespace

TEST(PoolPgStartup, StartupMessageCarriesUserDatabaseAndApplicationName) {
  PgLogin login{"chaos", "shop", std::nullopt};
  const std::string m = pg_startup_message(login);
  const std::string body = be32(196608) + std::string("user\0chaos\0database\0shop\0", 25) +
                           std::string("application_name\0chaosctl-pool-exhaustion\0\0", 43);
  EXPECT_EQ(m, be32(body.size() + 4) + body);
}

TEST(PoolPgStartup, TrustIsReadyAtReadyForQueryEvenWhenBytesArriveOneByOne) {
  Session s(std::nullopt);
  const std::string all = auth(0) + ready();
  for (size_t i = 0; i + 1 < all.size(); ++i)
    EXPECT_EQ(s.feed(all.substr(i, 1)), Outcome::kWaiting);
  EXPECT_EQ(s.feed(all.substr(all.size() - 1)), Outcome::kReady);
  EXPECT_EQ(s.pg.auth_method(), "trust");
  EXPECT_EQ(s.feed(msg('N', std::string("SNOTICE\0\0", 9))), Outcome::kReady);  // quiet session
}

TEST(PoolPgStartup, CleartextPasswordIsSentAsPasswordMessage) {
  Session s("s3cret");
  EXPECT_EQ(s.feed(auth(3)), Outcome::kWaiting);
  EXPECT_EQ(s.reply, msg('p', std::string("s3cret\0", 7)));
  EXPECT_EQ(s.pg.auth_method(), "password");
  EXPECT_EQ(s.feed(auth(0) + ready()), Outcome::kReady);
}

TEST(PoolPgStartup, Md5AnswersWithTheSaltedDoubleMd5) {
  Session s("secret", "postgres");
  EXPECT_EQ(s.feed(auth(5, "\x01\x02\x03\x04")), Outcome::kWaiting);
  EXPECT_EQ(s.reply, msg('p', std::string("md5bb41a296aab6baccb36ff243a562abff\0", 36)));
  EXPECT_EQ(s.pg.auth_method(), "md5");
  EXPECT_EQ(s.feed(auth(0) + ready()), Outcome::kReady);
}

// The whole SASL conversation, with values computed independently (Python hashlib/hmac) for
// the RFC 7677 vector as PostgreSQL runs it (empty n=).
TEST(PoolPgStartup, ScramSha256ConversationUpToReadyForQuery) {
  Session s("pencil");
  EXPECT_EQ(s.feed(auth(10, std::string("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", 34))),
            Outcome::kWaiting);
  const std::string first = "n,,n=,r=rOprNGfwEbeRWgbNEkqO";
  EXPECT_EQ(s.reply, msg('p', std::string("SCRAM-SHA-256\0", 14) + be32(first.size()) + first));
  EXPECT_EQ(s.feed(auth(11, kServerFirst)), Outcome::kWaiting);
  EXPECT_EQ(s.reply, msg('p',
                         "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                         "p=qvT2SWdEH5Q06albL+hjSYuUhCG7VndFyzIb7CK4n9k="));
  EXPECT_EQ(s.feed(auth(12, "v=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOg=")), Outcome::kWaiting);
  EXPECT_TRUE(s.reply.empty());
  EXPECT_EQ(s.feed(auth(0) + ready()), Outcome::kReady);
  EXPECT_EQ(s.pg.auth_method(), "scram-sha-256");
}

TEST(PoolPgStartup, ScramRefusesAServerWhoseSignatureDoesNotMatch) {
  Session s("pencil");
  s.feed(auth(10, std::string("SCRAM-SHA-256\0\0", 15)));
  s.feed(auth(11, kServerFirst));
  // The RFC's signature is for n=user, not for our n=: not the one this password gives.
  EXPECT_EQ(s.feed(auth(12, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=") + auth(0) + ready()),
            Outcome::kRefused);
  EXPECT_NE(s.pg.reason().find("postgres: the server's SCRAM signature does not match"),
            std::string::npos)
      << s.pg.reason();
}

TEST(PoolPgStartup, ScramRefusesAuthenticationOkWithoutTheServerSignature) {
  Session s("pencil");
  s.feed(auth(10, std::string("SCRAM-SHA-256\0\0", 15)));
  s.feed(auth(11, kServerFirst));
  EXPECT_EQ(s.feed(auth(0) + ready()), Outcome::kRefused);
  EXPECT_NE(s.pg.reason().find("skipped the SCRAM server signature"), std::string::npos);
  Session straight_to_ready("pencil");  // nor ReadyForQuery without AuthenticationOk
  straight_to_ready.feed(auth(10, std::string("SCRAM-SHA-256\0\0", 15)));
  EXPECT_EQ(straight_to_ready.feed(ready()), Outcome::kRefused);
  EXPECT_NE(straight_to_ready.pg.reason().find("skipped"), std::string::npos);
}

TEST(PoolPgStartup, UnsupportedSaslMechanismsAreNamedInTheReason) {
  Session s("pencil");
  EXPECT_EQ(s.feed(auth(10, std::string("SCRAM-SHA-256-PLUS\0OAUTHBEARER\0\0", 32))),
            Outcome::kRefused);
  EXPECT_EQ(s.pg.reason(),
            "postgres: the server offers SASL mechanism(s) SCRAM-SHA-256-PLUS, OAUTHBEARER; only "
            "SCRAM-SHA-256 is supported");
  EXPECT_TRUE(s.reply.empty());
}

TEST(PoolPgStartup, APasswordRequestWithoutAPasswordIsRefusedNamingTheUser) {
  for (const std::string& request :
       {auth(3), auth(5, "salt"), auth(10, std::string("SCRAM-SHA-256\0\0", 15))}) {
    Session s(std::nullopt);
    EXPECT_EQ(s.feed(request), Outcome::kRefused);
    EXPECT_NE(s.pg.reason().find("user \"chaos\", but no password was given (set password or "
                                 "password_env)"),
              std::string::npos)
        << s.pg.reason();
    EXPECT_TRUE(s.reply.empty());
  }
}

TEST(PoolPgStartup, ErrorResponseGivesTheServersMessageAndSqlstate) {
  Session s("wrong");
  s.feed(auth(3));
  EXPECT_EQ(s.feed(error("28P01", "password authentication failed for user \"chaos\"")),
            Outcome::kRefused);
  EXPECT_EQ(s.pg.reason(),
            "postgres: password authentication failed for user \"chaos\" (SQLSTATE 28P01)");
  EXPECT_EQ(s.feed(auth(0) + ready()), Outcome::kRefused);  // final
}

TEST(PoolPgStartup, OtherAuthenticationMethodsAreRefusedByName) {
  Session s("pencil");
  EXPECT_EQ(s.feed(auth(7)), Outcome::kRefused);
  EXPECT_NE(s.pg.reason().find("method 7 (GSS)"), std::string::npos) << s.pg.reason();
}

TEST(PoolPgStartup, OutOfOrderOrMalformedMessagesAreRefused) {
  for (const std::string& bad : {auth(11, kServerFirst), auth(12, "v=AAAA"), auth(5, "ab"),
                                 std::string("R\0\0\0\3", 5), std::string("R\x7f\0\0\0", 5),
                                 auth(10, std::string("SCRAM-SHA-256\0\0", 15)) + auth(10, "")}) {
    Session s("pencil");
    EXPECT_EQ(s.feed(bad), Outcome::kRefused);
    EXPECT_FALSE(s.pg.reason().empty());
  }
}

// Whatever a broken or hostile server sends, feed returns (no crash, no throw) and never puts
// the password in a reason.
TEST(PoolPgStartup, RandomBytesNeverCrashOrLeakThePassword) {
  std::mt19937 rng(7);
  ScramKeyCache keys;
  const std::string prefixes[] = {
      "", auth(10, std::string("SCRAM-SHA-256\0\0", 15)),
      auth(10, std::string("SCRAM-SHA-256\0\0", 15)) + auth(11, kServerFirst)};
  for (int round = 0; round < 3000; ++round) {
    Session s("hunter2-secret", "chaos", &keys);
    std::string bytes = prefixes[round % 3];
    const int n = static_cast<int>(rng() % 64);
    for (int i = 0; i < n; ++i) bytes.push_back(static_cast<char>(rng() % 4 == 0 ? 'R' : rng()));
    const Outcome o = s.feed(bytes);
    EXPECT_TRUE(o == Outcome::kWaiting || o == Outcome::kRefused || o == Outcome::kReady);
    EXPECT_EQ(s.pg.reason().find("hunter2"), std::string::npos);
  }
}
