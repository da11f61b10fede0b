#include "common/accept_backoff.h"

#include <cerrno>
#include <cstdio>

namespace chaos {

bool AcceptBackoff::failed(int error, const std::string& message) {
  if (error != EMFILE && error != ENFILE && error != ENOBUFS && error != ENOMEM) return false;
  if (failures_++ == 0) {
    std::fprintf(stderr,
                 "chaosctl: %s cannot accept connections: %s; retrying every %lld ms until "
                 "descriptors free up\n",
                 what_.c_str(), message.c_str(), static_cast<long long>(kRetryDelay.count()));
  }
  return true;
}

void AcceptBackoff::succeeded() {
  if (failures_ == 0) return;
  std::fprintf(stderr, "chaosctl: %s accepting connections again (after %llu failed tries)\n",
               what_.c_str(), static_cast<unsigned long long>(failures_));
  failures_ = 0;
}

}  // namespace chaos
