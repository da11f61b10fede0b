// PostgreSQL password authentication as pure functions (plugins/load/pg_auth.h): SCRAM-SHA-256
// against the RFC 7677 test vector, the MD5 response, base64, nonces and the key cache.
#include "pg_auth.h"

#include <gtest/gtest.h>

#include <set>

using namespace chaos::load;

namespace {

// RFC 7677 section 3.
constexpr const char* kNonce = "rOprNGfwEbeRWgbNEkqO";
constexpr const char* kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr const char* kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr const char* kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// Runs the RFC's exchange up to client-final; returns it.
std::string rfc_client_final(ScramExchange& scram) {
  std::string error;
  EXPECT_TRUE(scram.read_server_first(kServerFirst, &error)) << error;
  ScramKeys keys;
  EXPECT_TRUE(derive_scram_keys("pencil", scram.salt(), scram.iterations(), &keys, &error))
      << error;
  return scram.client_final(keys);
}

}  // namespace

TEST(PoolPgAuth, ScramMatchesTheRfc7677TestVector) {
  ScramExchange scram("user", kNonce);
  EXPECT_EQ(scram.client_first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(rfc_client_final(scram), kClientFinal);
  EXPECT_EQ(scram.iterations(), 4096);
  EXPECT_EQ(scram.salt().size(), 16u);
  std::string error;
  EXPECT_TRUE(scram.verify_server_final(kServerFinal, &error)) << error;
}

TEST(PoolPgAuth, ScramRefusesAServerSignatureThatDoesNotMatch) {
  ScramExchange scram("user", kNonce);
  rfc_client_final(scram);
  std::string error;
  // The first signature byte changed ('6' -> '7' in the base64).
  EXPECT_FALSE(scram.verify_server_final("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", &error));
  EXPECT_NE(error.find("does not match"), std::string::npos) << error;
  EXPECT_FALSE(scram.verify_server_final("v=", &error));
  EXPECT_NE(error.find("malformed"), std::string::npos) << error;
  EXPECT_FALSE(scram.verify_server_final("e=invalid-proof", &error));
  EXPECT_NE(error.find("invalid-proof"), std::string::npos) << error;
}

// PostgreSQL's form: an empty n= (the server takes the user from the StartupMessage). The
// expected values were computed independently with Python's hashlib/hmac, which reproduces the
// RFC vector above with n=user.
TEST(PoolPgAuth, ScramWithPostgresEmptyUserName) {
  ScramExchange scram("", kNonce);
  EXPECT_EQ(scram.client_first(), "n,,n=,r=rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(rfc_client_final(scram),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            "p=qvT2SWdEH5Q06albL+hjSYuUhCG7VndFyzIb7CK4n9k=");
  std::string error;
  EXPECT_TRUE(scram.verify_server_final("v=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOg=", &error))
      << error;
}

TEST(PoolPgAuth, ScramEscapesCommaAndEqualsInTheUserName) {
  EXPECT_EQ(ScramExchange("a,b=c", "N").client_first(), "n,,n=a=2Cb=3Dc,r=N");
}

TEST(PoolPgAuth, ScramRefusesBadServerFirstMessages) {
  for (const char* bad : {
           "",                                                             // empty
           "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",                            // no nonce
           "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",     // nonce not extended
           "r=XXprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",  // not our nonce
           "r=rOprNGfwEbeRWgbNEkqOabc,s=not base64!,i=4096",               // salt
           "r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",     // count
           "r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999",
           "r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=12x",
           "m=ext,r=rOprNGfwEbeRWgbNEkqOabc,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
       }) {
    ScramExchange scram("", kNonce);
    std::string error;
    EXPECT_FALSE(scram.read_server_first(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(PoolPgAuth, Md5ResponseIsMd5OfMd5PasswordUserAndSalt) {
  // Computed with Python: "md5" + md5(md5("secret" + "postgres").hexdigest() + b"\1\2\3\4").
  EXPECT_EQ(md5_password_response("postgres", "secret", std::string("\x01\x02\x03\x04", 4)),
            "md5bb41a296aab6baccb36ff243a562abff");
  // Another salt, another answer (the salt is what makes a captured response useless).
  EXPECT_NE(md5_password_response("postgres", "secret", std::string("\x01\x02\x03\x05", 4)),
            "md5bb41a296aab6baccb36ff243a562abff");
  EXPECT_EQ(md5_password_response("postgres", "secret", "abcd").size(), 35u);
}

TEST(PoolPgAuth, Base64RoundTripsAndRefusesNonCanonicalText) {
  for (const std::string& s : std::initializer_list<std::string>{"", "f", "fo", "foo", "foob",
                                                                 std::string("\0\xff\x10", 3)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  for (const char* bad :
       {"Zm9", "Zm9vYh==", "Zm9vYg=a", "Zm=vYg==", "Zm9v Yg=", "Zm9vY===", "Z!9v"})
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
}

TEST(PoolPgAuth, NoncesAreRandomPrintableAndWithoutCommas) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string nonce = random_scram_nonce();
    ASSERT_EQ(nonce.size(), 24u);
    EXPECT_EQ(nonce.find(','), std::string::npos);
    seen.insert(nonce);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(PoolPgAuth, KeyCacheDerivesOncePerSaltAndCount) {
  ScramKeyCache cache;
  std::string error;
  const ScramKeys* a = cache.get("pencil", "salt-1", 4096, &error);
  ASSERT_NE(a, nullptr) << error;
  const auto client_key = a->client_key;
  EXPECT_EQ(cache.get("pencil", "salt-1", 4096, &error), a);  // remembered, not re-derived
  const ScramKeys* b = cache.get("pencil", "salt-2", 4096, &error);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(b->client_key, client_key);
  EXPECT_EQ(cache.get("pencil", "salt-2", 0, &error), nullptr);
  EXPECT_NE(error.find("outside"), std::string::npos) << error;
  EXPECT_EQ(cache.get("pencil", "salt-2", kMaxScramIterations + 1, &error), nullptr);
}
