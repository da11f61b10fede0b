#pragma once
// The demo database's line protocol, as a pure function from request line to reply line so it
// is testable without sockets.
//
//   PRICE <sku>    -> "OK <price in cents>"   (deterministic per sku)
//   RESERVE <sku>  -> "OK <reservation id>"   (increasing, starting at 1)
//   PING           -> "OK PONG"
//   anything else  -> "ERR <reason>"
//
// Thread-safety: DbState is not synchronised; the server touches it from one thread.

#include <cstdint>
#include <string>
#include <string_view>

namespace chaos::demo {

struct DbState {
  uint64_t next_reservation = 1;
};

// `line` is one request without its trailing newline ("\r" tolerated). The reply has no newline.
std::string answer_db_request(std::string_view line, DbState& state);

}  // namespace chaos::demo
