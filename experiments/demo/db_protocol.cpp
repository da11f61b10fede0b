#include "db_protocol.h"

namespace chaos::demo {

namespace {

// Prices from 1.00 to 99.99, stable across runs so demo output is reproducible (std::hash is
// not guaranteed stable, so FNV-1a).
uint64_t price_cents(std::string_view sku) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : sku) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return 100 + hash % 9900;
}

bool valid_sku(std::string_view sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char c : sku) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string answer_db_request(std::string_view line, DbState& state) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto space = line.find(' ');
  const std::string_view command = line.substr(0, space);
  const std::string_view arg = space == std::string_view::npos ? "" : line.substr(space + 1);

  if (command == "PING" && arg.empty()) return "OK PONG";
  if (command == "PRICE" || command == "RESERVE") {
    if (!valid_sku(arg)) return "ERR bad sku";
    if (command == "PRICE") return "OK " + std::to_string(price_cents(arg));
    return "OK " + std::to_string(state.next_reservation++);
  }
  return "ERR unknown command";
}

}  // namespace chaos::demo
