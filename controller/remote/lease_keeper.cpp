#include "remote/lease_keeper.h"

#include <vector>

namespace chaos::remote {

LeaseKeeper::LeaseKeeper(RemoteEndpoint endpoint, std::chrono::milliseconds ttl, LostFn lost)
    : ttl_(ttl),
      lost_(std::move(lost)),
      // A renewal slower than a third of the lease would be of no use.
      client_(std::move(endpoint), std::max(std::chrono::milliseconds(50), ttl / 3)) {
  thread_ = std::thread([this] { loop(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LeaseKeeper::keep(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ids_.insert(id);
}

void LeaseKeeper::release(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ids_.erase(id);
}

void LeaseKeeper::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, ttl_ / 3, [this] { return stopping_; });
    if (stopping_) break;
    const std::vector<std::string> ids(ids_.begin(), ids_.end());
    lock.unlock();
    for (const std::string& id : ids) {
      auto renewed = client_.renew(id, ttl_);
      if (renewed || renewed.status().code() != Status::Code::kNotFound) continue;
      {
        std::lock_guard<std::mutex> relock(mutex_);
        if (ids_.erase(id) == 0) continue;  // released meanwhile: its owner removed it
      }
      if (lost_) lost_(id, renewed.status());
    }
    lock.lock();
  }
}

}  // namespace chaos::remote
