#pragma once
// PgStartup: the client side of one PostgreSQL protocol-v3 start-up, up to ReadyForQuery, as a
// pure state machine: bytes from the server in, bytes to send and an outcome out. No sockets and
// no clock, so the tests drive it with byte strings.
//
// Authentication: trust (AuthenticationOk), cleartext password (3), MD5 (5), and SASL (10) with
// SCRAM-SHA-256 (11, 12; pg_auth.h), whose server signature must check out before the session
// counts. Anything else, a password request with no password, and every ErrorResponse end the
// start-up with a reason ("postgres: ...") that never contains the password.
//
// Thread-safety: none; one per connection, on the pool's thread.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pg_auth.h"

namespace chaos::load {

struct PgLogin {
  std::string user = "postgres";
  std::string database = "postgres";
  std::optional<std::string> password;  // none: only trust works
};

// The StartupMessage: protocol 3.0, user, database, application_name=chaosctl-pool-exhaustion.
std::string pg_startup_message(const PgLogin& login);

class PgStartup {
 public:
  enum class Outcome { kWaiting, kReady, kRefused };
  using NonceSource = std::string (*)();

  // `login` and `keys` are borrowed and must outlive this. `make_nonce` gives SCRAM client
  // nonces (random; the tests pass a fixed one).
  PgStartup(const PgLogin& login, ScramKeyCache& keys, NonceSource make_nonce = &random_scram_nonce)
      : login_(login), keys_(keys), make_nonce_(make_nonce) {}

  // Consumes server bytes (split anywhere) and appends what must be sent to `reply`. kReady once
  // ReadyForQuery has arrived (and stays so while the session is quiet); kRefused is final and
  // reason() says why. A message after ReadyForQuery is skipped, except ErrorResponse (the
  // server ending the session), which refuses.
  Outcome feed(std::string_view bytes, std::string* reply);

  const std::string& reason() const { return reason_; }
  // What the server asked for: "trust", "password", "md5", "scram-sha-256", "SASL", another
  // method's name; "" until the first Authentication message.
  const std::string& auth_method() const { return auth_method_; }

 private:
  enum class Sasl { kNone, kSentFirst, kSentFinal, kVerified };
  Outcome on_message(char type, std::string_view body, std::string* reply);
  Outcome on_auth(std::string_view body, std::string* reply);
  Outcome on_sasl_offer(std::string_view mechanisms, std::string* reply);
  Outcome on_sasl_continue(std::string_view data, std::string* reply);
  Outcome on_sasl_final(std::string_view data);
  bool need_password(const char* method);
  Outcome refuse(std::string why);

  const PgLogin& login_;
  ScramKeyCache& keys_;
  NonceSource make_nonce_;
  std::string in_;  // bytes not yet parsed
  std::string reason_;
  std::string auth_method_;
  Outcome outcome_ = Outcome::kWaiting;
  Sasl sasl_ = Sasl::kNone;
  std::unique_ptr<ScramExchange> scram_;  // during SCRAM only
};

}  // namespace chaos::load
