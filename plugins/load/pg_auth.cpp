#include "pg_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <cstring>

namespace chaos::load {
namespace {

using Digest = std::array<unsigned char, 32>;

std::string md5_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return hex;
}

Digest hmac_sha256(const unsigned char* key, size_t key_len, std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

std::string_view as_text(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// RFC 5802 saslname: ',' and '=' are escaped.
std::string escape_saslname(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ',')
      out += "=2C";
    else if (c == '=')
      out += "=3D";
    else
      out.push_back(c);
  }
  return out;
}

// The value of attribute `key` ("r=...") at the front of `rest`, which then moves past it.
std::optional<std::string_view> take_attribute(std::string_view& rest, char key) {
  if (rest.size() < 2 || rest[0] != key || rest[1] != '=') return std::nullopt;
  const size_t comma = rest.find(',');
  std::string_view value = rest.substr(2, comma == std::string_view::npos ? rest.npos : comma - 2);
  rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  return value;
}

}  // namespace

std::string md5_password_response(std::string_view user, std::string_view password,
                                  std::string_view salt) {
  std::string inner = md5_hex(std::string(password) + std::string(user));
  return "md5" + md5_hex(inner + std::string(salt));
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // EVP_DecodeBlock skips whitespace and keeps padding as zero bytes: check the form first.
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '+' || c == '/';
    if (c == '=') {
      if (i + 2 < text.size()) return std::nullopt;  // only in the last two places
      ++padding;
    } else if (!alpha || padding > 0) {
      return std::nullopt;
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || static_cast<size_t>(n) < padding) return std::nullopt;
  out.resize(static_cast<size_t>(n) - padding);
  if (base64_encode(out) != text) return std::nullopt;  // unused bits set: not canonical
  return out;
}

std::string random_scram_nonce() {
  unsigned char raw[18];
  if (RAND_bytes(raw, sizeof raw) != 1) return "";
  return base64_encode({reinterpret_cast<const char*>(raw), sizeof raw});
}

bool derive_scram_keys(std::string_view password, std::string_view salt, int iterations,
                       ScramKeys* out, std::string* error) {
  if (iterations < 1 || iterations > kMaxScramIterations) {
    *error = "SCRAM iteration count " + std::to_string(iterations) + " is outside 1.." +
             std::to_string(kMaxScramIterations);
    return false;
  }
  Digest salted{};
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(salted.size()), salted.data()) != 1) {
    *error = "PBKDF2 failed (libcrypto)";
    return false;
  }
  ScramKeys keys;
  keys.salt = std::string(salt);
  keys.iterations = iterations;
  keys.client_key = hmac_sha256(salted.data(), salted.size(), "Client Key");
  keys.server_key = hmac_sha256(salted.data(), salted.size(), "Server Key");
  unsigned int len = 0;
  EVP_Digest(keys.client_key.data(), keys.client_key.size(), keys.stored_key.data(), &len,
             EVP_sha256(), nullptr);
  OPENSSL_cleanse(salted.data(), salted.size());
  *out = std::move(keys);
  return true;
}

const ScramKeys* ScramKeyCache::get(std::string_view password, std::string_view salt,
                                    int iterations, std::string* error) {
  if (last_ && last_->salt == salt && last_->iterations == iterations && password_ == password)
    return &*last_;
  ScramKeys keys;
  if (!derive_scram_keys(password, salt, iterations, &keys, error)) return nullptr;
  last_ = std::move(keys);
  password_ = std::string(password);
  return &*last_;
}

ScramExchange::ScramExchange(std::string_view user, std::string client_nonce)
    : client_nonce_(std::move(client_nonce)),
      client_first_bare_("n=" + escape_saslname(user) + ",r=" + client_nonce_) {}

bool ScramExchange::read_server_first(std::string_view server_first, std::string* error) {
  server_first_ = std::string(server_first);
  std::string_view rest = server_first;
  const auto nonce = take_attribute(rest, 'r');
  const auto salt = take_attribute(rest, 's');
  const auto count = take_attribute(rest, 'i');
  if (!nonce || !salt || !count) {
    *error = "malformed SCRAM server-first-message (expected r=,s=,i=)";
    return false;
  }
  if (nonce->size() <= client_nonce_.size() ||
      nonce->substr(0, client_nonce_.size()) != client_nonce_) {
    *error = "the server's SCRAM nonce does not extend ours";
    return false;
  }
  const auto raw_salt = base64_decode(*salt);
  if (!raw_salt || raw_salt->empty()) {
    *error = "the server's SCRAM salt is not base64";
    return false;
  }
  int iterations = 0;
  const auto [end, ec] = std::from_chars(count->data(), count->data() + count->size(), iterations);
  if (ec != std::errc() || end != count->data() + count->size() || iterations < 1 ||
      iterations > kMaxScramIterations) {
    *error = "the server's SCRAM iteration count '" + std::string(count->substr(0, 12)) +
             "' is outside 1.." + std::to_string(kMaxScramIterations);
    return false;
  }
  nonce_ = std::string(*nonce);
  salt_ = *raw_salt;
  iterations_ = iterations;
  return true;
}

std::string ScramExchange::client_final(const ScramKeys& keys) {
  const std::string without_proof = "c=biws,r=" + nonce_;
  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + without_proof;
  Digest proof = hmac_sha256(keys.stored_key.data(), keys.stored_key.size(), auth_message);
  for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= keys.client_key[i];
  server_signature_ = hmac_sha256(keys.server_key.data(), keys.server_key.size(), auth_message);
  return without_proof + ",p=" + base64_encode(as_text(proof));
}

bool ScramExchange::verify_server_final(std::string_view server_final, std::string* error) const {
  std::string_view rest = server_final;
  if (const auto e = take_attribute(rest, 'e')) {
    *error = "the server ended the SCRAM exchange: " + std::string(e->substr(0, 200));
    return false;
  }
  const auto v = take_attribute(rest, 'v');
  const auto signature = v ? base64_decode(*v) : std::nullopt;
  if (!signature || signature->size() != server_signature_.size()) {
    *error = "malformed SCRAM server-final-message (expected v=<signature>)";
    return false;
  }
  if (CRYPTO_memcmp(signature->data(), server_signature_.data(), server_signature_.size()) != 0) {
    *error =
        "the server's SCRAM signature does not match: it does not know this password (is "
        "another server listening on this port?)";
    return false;
  }
  return true;
}

}  // namespace chaos::load
