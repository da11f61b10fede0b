#pragma once
// LeaseKeeper: renews the leases of remote faults while their owner (a run) goes on, on a
// thread of its own: every ttl / 3, so two renewals in a row may fail (a busy holder, a
// dropped request) before the lease runs out. A renewal the holder refuses because it no
// longer has the fault is reported once, and that fault is no longer renewed.
//
// Thread-safety: every public method may be called from any thread; mutex_ guards the ids.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/status.h"
#include "remote/remote_fault_client.h"

namespace chaos::remote {

class LeaseKeeper {
 public:
  // `lost` is called on the keeper's thread with a fault's id and why its lease is gone.
  using LostFn = std::function<void(const std::string& id, const Status& why)>;

  LeaseKeeper(RemoteEndpoint endpoint, std::chrono::milliseconds ttl, LostFn lost);
  ~LeaseKeeper();  // stops renewing (the leases then run out by themselves)
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  void keep(const std::string& id);
  void release(const std::string& id);
  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  void loop();

  const std::chrono::milliseconds ttl_;
  LostFn lost_;
  RemoteFaultClient client_;  // the keeper's thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<std::string> ids_;  // guarded by mutex_
  bool stopping_ = false;      // guarded by mutex_
  std::thread thread_;
};

}  // namespace chaos::remote
