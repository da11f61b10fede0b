#include "pg_startup.h"

#include <cstdint>

namespace chaos::load {
namespace {

constexpr uint32_t kMaxMessage = 1u << 20;
constexpr const char* kScram = "SCRAM-SHA-256";
constexpr const char* kSkippedSignature =
    "postgres: the server skipped the SCRAM server signature (it never proved it knows the "
    "password)";

void put32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

uint32_t get32(std::string_view s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

// A frontend message: type byte, length (itself included), body.
std::string message(char type, std::string_view body) {
  std::string out(1, type);
  put32(out, static_cast<uint32_t>(body.size() + 4));
  out += body;
  return out;
}

std::string nul_terminated(std::string_view s) { return std::string(s) + '\0'; }

const char* method_name(uint32_t code) {
  switch (code) {
    case 2:
      return "KerberosV5";
    case 6:
      return "SCMCredential";
    case 7:
      return "GSS";
    case 8:
      return "GSSContinue";
    case 9:
      return "SSPI";
    default:
      return "unknown";
  }
}

// "postgres: <M> (SQLSTATE <C>)" from an ErrorResponse body.
std::string error_reason(std::string_view body) {
  std::string text = "ErrorResponse", code;
  for (size_t p = 0; p < body.size() && body[p] != '\0';) {
    const size_t end = body.find('\0', p + 1);
    if (end == std::string_view::npos) break;
    const std::string_view value = body.substr(p + 1, std::min<size_t>(end - p - 1, 300));
    if (body[p] == 'M') text = std::string(value);
    if (body[p] == 'C') code = std::string(value);
    p = end + 1;
  }
  return "postgres: " + text + (code.empty() ? "" : " (SQLSTATE " + code + ")");
}

}  // namespace

std::string pg_startup_message(const PgLogin& login) {
  std::string body;
  put32(body, 196608);  // protocol 3.0
  for (const auto& [k, v] : {std::pair<std::string_view, std::string_view>{"user", login.user},
                             {"database", login.database},
                             {"application_name", "chaosctl-pool-exhaustion"}}) {
    body += nul_terminated(k);
    body += nul_terminated(v);
  }
  body.push_back('\0');
  std::string msg;
  put32(msg, static_cast<uint32_t>(body.size() + 4));
  return msg + body;
}

PgStartup::Outcome PgStartup::feed(std::string_view bytes, std::string* reply) {
  if (outcome_ == Outcome::kRefused) return outcome_;
  in_.append(bytes);
  size_t at = 0;
  while (outcome_ != Outcome::kRefused && in_.size() - at >= 5) {
    const uint32_t len = get32(in_, at + 1);
    if (len < 4 || len > kMaxMessage) return refuse("postgres: malformed message from the server");
    if (in_.size() - at < 1 + len) break;
    const char type = in_[at];
    const std::string_view body = std::string_view(in_).substr(at + 5, len - 4);
    on_message(type, body, reply);
    at += 1 + len;
  }
  in_.erase(0, at);
  return outcome_;
}

PgStartup::Outcome PgStartup::on_message(char type, std::string_view body, std::string* reply) {
  switch (type) {
    case 'E':
      return refuse(error_reason(body));
    case 'Z':
      if (sasl_ == Sasl::kSentFirst || sasl_ == Sasl::kSentFinal) return refuse(kSkippedSignature);
      return outcome_ = Outcome::kReady;
    case 'R':
      if (outcome_ == Outcome::kReady)
        return refuse("postgres: authentication after ReadyForQuery");
      return on_auth(body, reply);
    default:
      return outcome_;  // ParameterStatus, BackendKeyData, NoticeResponse, ...
  }
}

PgStartup::Outcome PgStartup::on_auth(std::string_view body, std::string* reply) {
  if (body.size() < 4) return refuse("postgres: malformed Authentication message");
  const uint32_t code = get32(body, 0);
  const std::string_view data = body.substr(4);
  switch (code) {
    case 0:  // AuthenticationOk
      if (sasl_ == Sasl::kSentFirst || sasl_ == Sasl::kSentFinal) return refuse(kSkippedSignature);
      if (auth_method_.empty()) auth_method_ = "trust";
      return outcome_;
    case 3:  // AuthenticationCleartextPassword
      if (!need_password("password")) return outcome_;
      *reply += message('p', nul_terminated(*login_.password));
      return outcome_;
    case 5:  // AuthenticationMD5Password: 4 bytes of salt
      if (data.size() < 4) return refuse("postgres: malformed AuthenticationMD5Password");
      if (!need_password("md5")) return outcome_;
      *reply += message('p', nul_terminated(md5_password_response(login_.user, *login_.password,
                                                                  data.substr(0, 4))));
      return outcome_;
    case 10:
      return on_sasl_offer(data, reply);
    case 11:
      return on_sasl_continue(data, reply);
    case 12:
      return on_sasl_final(data);
    default:
      auth_method_ = method_name(code);
      return refuse("postgres: the server asks for authentication method " + std::to_string(code) +
                    " (" + auth_method_ + "); supported: trust, password, md5, scram-sha-256");
  }
}

PgStartup::Outcome PgStartup::on_sasl_offer(std::string_view mechanisms, std::string* reply) {
  auth_method_ = "SASL";
  if (sasl_ != Sasl::kNone) return refuse("postgres: the server restarted SASL");
  std::string offered;
  bool scram = false;
  for (size_t p = 0; p < mechanisms.size() && mechanisms[p] != '\0';) {
    const size_t end = mechanisms.find('\0', p);
    const std::string_view name = mechanisms.substr(p, end - p);
    scram = scram || name == kScram;
    offered += (offered.empty() ? "" : ", ") + std::string(name.substr(0, 64));
    if (end == std::string_view::npos) break;
    p = end + 1;
  }
  if (!scram)
    return refuse("postgres: the server offers SASL mechanism(s) " +
                  (offered.empty() ? std::string("(none)") : offered) +
                  "; only SCRAM-SHA-256 is supported");
  auth_method_ = "scram-sha-256";
  if (!need_password("scram-sha-256")) return outcome_;
  std::string nonce = make_nonce_();
  if (nonce.empty()) return refuse("postgres: no random bytes for the SCRAM nonce (RAND_bytes)");
  scram_ = std::make_unique<ScramExchange>("", std::move(nonce));
  const std::string first = scram_->client_first();
  std::string body = nul_terminated(kScram);
  put32(body, static_cast<uint32_t>(first.size()));
  body += first;
  *reply += message('p', body);  // SASLInitialResponse
  sasl_ = Sasl::kSentFirst;
  return outcome_;
}

PgStartup::Outcome PgStartup::on_sasl_continue(std::string_view data, std::string* reply) {
  if (sasl_ != Sasl::kSentFirst) return refuse("postgres: unexpected AuthenticationSASLContinue");
  std::string error;
  if (!scram_->read_server_first(data, &error)) return refuse("postgres: " + error);
  const ScramKeys* keys = keys_.get(*login_.password, scram_->salt(), scram_->iterations(), &error);
  if (!keys) return refuse("postgres: " + error);
  *reply += message('p', scram_->client_final(*keys));  // SASLResponse
  sasl_ = Sasl::kSentFinal;
  return outcome_;
}

PgStartup::Outcome PgStartup::on_sasl_final(std::string_view data) {
  if (sasl_ != Sasl::kSentFinal) return refuse("postgres: unexpected AuthenticationSASLFinal");
  std::string error;
  if (!scram_->verify_server_final(data, &error)) return refuse("postgres: " + error);
  sasl_ = Sasl::kVerified;
  scram_.reset();
  return outcome_;
}

bool PgStartup::need_password(const char* method) {
  auth_method_ = method;
  if (login_.password) return true;
  refuse("postgres: the server asks for " + std::string(method) + " authentication of user \"" +
         login_.user + "\", but no password was given (set password or password_env)");
  return false;
}

PgStartup::Outcome PgStartup::refuse(std::string why) {
  if (outcome_ != Outcome::kRefused) reason_ = std::move(why);
  scram_.reset();
  return outcome_ = Outcome::kRefused;
}

}  // namespace chaos::load
