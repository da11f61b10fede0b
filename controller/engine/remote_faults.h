#pragma once
// RemoteFaults: a run's faults on standing proxies that another chaosctl process holds. Each is
// created there on a lease that a LeaseKeeper renews while the run goes on, and removed on
// every exit path (stop, rollback, the run's end). If this process dies the lease runs out and
// the holder removes the fault by itself; the journal records the holder's URL and the lease
// id before the fault exists, so the next start's reconcile removes it sooner if still there.
//
// Thread-safety: one thread (the run's loop); `lost` comes from a keeper's thread.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "common/status.h"
#include "remote/lease_keeper.h"
#include "remote/remote_fault_client.h"

namespace chaos::engine {

class RemoteFaults {
 public:
  // `owner` names the run for the holder's journal; `token` is sent to every holder.
  RemoteFaults(std::string owner, std::string token, std::chrono::milliseconds lease,
               remote::LeaseKeeper::LostFn lost);
  ~RemoteFaults();  // stops renewing; a fault still held then runs out with its lease

  // `params` without listen/upstream (the holder fills in its own).
  Status start(const std::string& url, const std::string& proxy, const std::string& kind,
               const boost::json::object& params, const std::string& lease_id);
  Status update(const std::string& url, const std::string& lease_id,
                const boost::json::object& params);
  // Removes it; a fault the holder no longer has (its lease ran out) is not an error.
  Status stop(const std::string& url, const std::string& lease_id);

  std::chrono::milliseconds lease() const { return lease_; }

 private:
  struct Holder {
    std::unique_ptr<remote::RemoteFaultClient> client;
    std::unique_ptr<remote::LeaseKeeper> keeper;
  };
  Holder& holder(const std::string& url);

  const std::string owner_;
  const std::string token_;
  const std::chrono::milliseconds lease_;
  remote::LeaseKeeper::LostFn lost_;
  std::map<std::string, Holder> holders_;  // by URL
};

// Removes a fault a dead controller left on a holder (reconcile); NotFound counts as done.
Status remove_remote_fault(const boost::json::object& remote, const std::string& token);

}  // namespace chaos::engine
