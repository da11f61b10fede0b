#include "engine/remote_faults.h"

namespace chaos::engine {

RemoteFaults::RemoteFaults(std::string owner, std::string token, std::chrono::milliseconds lease,
                           remote::LeaseKeeper::LostFn lost)
    : owner_(std::move(owner)), token_(std::move(token)), lease_(lease), lost_(std::move(lost)) {}

RemoteFaults::~RemoteFaults() = default;

RemoteFaults::Holder& RemoteFaults::holder(const std::string& url) {
  Holder& h = holders_[url];
  if (!h.client) {
    const remote::RemoteEndpoint endpoint{url, token_};
    h.client = std::make_unique<remote::RemoteFaultClient>(endpoint);
    h.keeper = std::make_unique<remote::LeaseKeeper>(endpoint, lease_, lost_);
  }
  return h;
}

Status RemoteFaults::start(const std::string& url, const std::string& proxy,
                           const std::string& kind, const boost::json::object& params,
                           const std::string& lease_id) {
  Holder& h = holder(url);
  auto created = h.client->create(proxy, kind, params, lease_, owner_, lease_id);
  if (!created) return created.status();
  h.keeper->keep(lease_id);
  return Status::ok();
}

Status RemoteFaults::update(const std::string& url, const std::string& lease_id,
                            const boost::json::object& params) {
  return holder(url).client->update(lease_id, params);
}

Status RemoteFaults::stop(const std::string& url, const std::string& lease_id) {
  Holder& h = holder(url);
  h.keeper->release(lease_id);
  Status st = h.client->remove(lease_id);
  if (st.code() == Status::Code::kNotFound) return Status::ok();
  return st;
}

Status remove_remote_fault(const boost::json::object& remote, const std::string& token) {
  const auto* url = remote.if_contains("url");
  const auto* lease = remote.if_contains("lease");
  if (!url || !url->is_string() || !lease || !lease->is_string())
    return Status::invalid_argument("the journal's remote fault has no url and lease");
  remote::RemoteFaultClient client({std::string(url->as_string()), token});
  Status st = client.remove(std::string(lease->as_string()));
  return st.code() == Status::Code::kNotFound ? Status::ok() : st;
}

}  // namespace chaos::engine
