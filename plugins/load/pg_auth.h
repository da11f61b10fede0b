#pragma once
// PostgreSQL password authentication, client side, as pure functions over strings (libcrypto
// for the hashes, no sockets): the MD5 response, and one SCRAM-SHA-256 exchange as PostgreSQL
// runs it (RFC 5802 / RFC 7677, no channel binding: "n,," and "c=biws").
//
// The password is used as bytes, without SASLprep: PostgreSQL applies SASLprep, which leaves
// printable ASCII unchanged but may normalise other characters (NFKC), so a non-ASCII
// password can fail SCRAM here while psql succeeds.
//
// Thread-safety: the free functions are; a ScramExchange or ScramKeyCache belongs to one thread.
// Errors are returned as false plus a message for `error`, which never contains the password.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chaos::load {

// Largest SCRAM iteration count we derive keys for (PostgreSQL's default is 4096). Deriving runs
// on the pool's only thread, which stop() waits for; this bounds it (0.22 s measured here).
inline constexpr int kMaxScramIterations = 1'000'000;

// "md5" + md5hex(md5hex(password + user) + salt): what AuthenticationMD5Password (5) expects.
// `salt` is the message's 4 raw bytes.
std::string md5_password_response(std::string_view user, std::string_view password,
                                  std::string_view salt);

// Base64 (RFC 4648, padded). decode returns nullopt for anything that is not canonical base64.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

// A client nonce as libpq makes one: 18 random bytes (RAND_bytes), base64. Empty if the random
// generator fails.
std::string random_scram_nonce();

// The keys derived from a password, a salt and an iteration count (RFC 5802 section 3).
struct ScramKeys {
  std::string salt;  // raw bytes
  int iterations = 0;
  std::array<unsigned char, 32> client_key{}, stored_key{}, server_key{};
};

// SaltedPassword = PBKDF2-HMAC-SHA256(password, salt, iterations), then ClientKey =
// HMAC(SaltedPassword, "Client Key"), StoredKey = SHA256(ClientKey), ServerKey =
// HMAC(SaltedPassword, "Server Key"). REQUIRES: 1 <= iterations <= kMaxScramIterations.
bool derive_scram_keys(std::string_view password, std::string_view salt, int iterations,
                       ScramKeys* out, std::string* error);

// Remembers the last keys derived: every session of one role gets the same salt and iteration
// count, so PBKDF2 (thousands of HMACs) runs once per run, not once per connection.
class ScramKeyCache {
 public:
  // The keys for this password, salt and count (derived now, or remembered). nullptr and
  // *error on failure. The returned pointer is valid until the next call.
  const ScramKeys* get(std::string_view password, std::string_view salt, int iterations,
                       std::string* error);

 private:
  std::string password_;  // the one last_ was derived from
  std::optional<ScramKeys> last_;
};

// One SCRAM-SHA-256 exchange: client-first, then client-final from the server-first, then the
// server-final checked against the signature that the real password gives.
class ScramExchange {
 public:
  // `user` goes in client-first's n= (escaped); PostgreSQL ignores it and libpq sends "", as we
  // do. `client_nonce`: printable, no ',' (random_scram_nonce()).
  ScramExchange(std::string_view user, std::string client_nonce);

  // "n,,n=<user>,r=<client nonce>"
  std::string client_first() const { return "n,," + client_first_bare_; }

  // Reads "r=<nonce>,s=<salt>,i=<count>[,...]". False (and *error) if it is malformed, the
  // nonce does not extend ours, or the count is out of range. REQUIRES: called once.
  bool read_server_first(std::string_view server_first, std::string* error);
  // Known after read_server_first.
  const std::string& salt() const { return salt_; }
  int iterations() const { return iterations_; }

  // "c=biws,r=<nonce>,p=<ClientKey XOR HMAC(StoredKey, AuthMessage)>". Remembers the server
  // signature to expect. REQUIRES: read_server_first succeeded; keys for salt() and iterations().
  std::string client_final(const ScramKeys& keys);

  // Checks "v=<ServerSignature>" (constant-time compare); "e=<error>" is the server's refusal.
  // REQUIRES: client_final was called.
  bool verify_server_final(std::string_view server_final, std::string* error) const;

 private:
  std::string client_nonce_, client_first_bare_;
  std::string server_first_, nonce_, salt_;
  int iterations_ = 0;
  std::array<unsigned char, 32> server_signature_{};
};

}  // namespace chaos::load
