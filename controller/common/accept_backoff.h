#pragma once
// What an accept loop does when accept fails with the process (or the system) out of file
// descriptors (EMFILE, ENFILE) or memory (ENOBUFS, ENOMEM). The connection stays in the
// listen backlog, so the listening socket stays readable and accepting again at once fails
// again at once: a full core spent until a descriptor frees. The loop waits kRetryDelay
// instead, and the episode is logged once on stderr, not once per retry.
// Thread-safety: none; one accept loop (one strand) owns it.

#include <chrono>
#include <cstdint>
#include <string>

namespace chaos {

class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds kRetryDelay{100};

  // `what` names the listener in the log: "serve on 127.0.0.1:8080".
  explicit AcceptBackoff(std::string what) : what_(std::move(what)) {}

  // After a failed accept with errno `error` (message `message`): true if the loop must wait
  // kRetryDelay before accepting again; false for transient errors (a client that reset
  // before accept), which the loop retries at once.
  bool failed(int error, const std::string& message);
  // After an accept that worked: ends an episode, if one was on, saying so.
  void succeeded();

 private:
  std::string what_;
  uint64_t failures_ = 0;  // in the current episode; 0: none on
};

}  // namespace chaos
