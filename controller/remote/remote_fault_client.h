#pragma once
// RemoteFaultClient: starts, renews and removes faults held by another chaosctl process (today
// `chaosctl proxy` or `chaosctl serve --proxies`; later agents on other hosts) over its control
// API (/chaosctl/v1/faults, see proxies/toxiproxy_api.h). Every fault is leased: the process
// holding it removes it by itself when the lease is not renewed in time, so a controller that
// dies (SIGKILL) cannot leave it behind for longer than the lease.
//
// Plain blocking HTTP over libcurl, never through an HTTP proxy, with a timeout per request.
//
// Thread-safety: none; one owner per client (LeaseKeeper uses its own).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "common/status.h"

namespace chaos::remote {

struct RemoteEndpoint {
  std::string base_url;  // "http://127.0.0.1:8474"
  std::string token;     // sent as Authorization: Bearer TOKEN when not empty
};

struct RemoteFault {
  std::string id;  // the holder's id, e.g. "lease-3"
  int64_t expires_unix_ms = 0;
};

class RemoteFaultClient {
 public:
  explicit RemoteFaultClient(RemoteEndpoint endpoint,
                             std::chrono::milliseconds timeout = std::chrono::seconds(2));
  ~RemoteFaultClient();
  RemoteFaultClient(const RemoteFaultClient&) = delete;
  RemoteFaultClient& operator=(const RemoteFaultClient&) = delete;

  // A fault of `kind` with `params` on the holder's proxy `proxy`, leased for `ttl`. `owner`
  // says who holds it, for people ("run 12 (experiments/db.lua) on host-a"). `id`, when not
  // empty, is the id to give it (so the caller can journal it before it exists).
  Result<RemoteFault> create(const std::string& proxy, const std::string& kind,
                             const boost::json::object& params, std::chrono::milliseconds ttl,
                             const std::string& owner, const std::string& id = "");
  // New parameters for a fault it holds (complete, as for create).
  Status update(const std::string& id, const boost::json::object& params);
  // The holder's proxy `name` ({"name", "listen", "upstream", ...}); NotFound when it has none.
  Result<boost::json::object> proxy(const std::string& name);
  // NotFound when the holder no longer has it (the lease ran out, or it restarted).
  Result<RemoteFault> renew(const std::string& id, std::chrono::milliseconds ttl);
  // NotFound when it is already gone.
  Status remove(const std::string& id);

  const RemoteEndpoint& endpoint() const { return endpoint_; }

 private:
  struct Reply {
    long status = 0;
    std::string body;
  };
  Result<Reply> request(const char* method, const std::string& path, const std::string& body);

  RemoteEndpoint endpoint_;
  std::chrono::milliseconds timeout_;
  struct Curl;
  std::unique_ptr<Curl> curl_;
};

}  // namespace chaos::remote
