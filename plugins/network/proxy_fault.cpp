#include "proxy_fault.h"

namespace chaos::network {

std::unique_ptr<ProxyFault> ProxyFault::create(sdk::Host& host, const sdk::Params& params) {
  params.expect_only({"listen", "upstream"});
  return std::unique_ptr<ProxyFault>(new ProxyFault(host, parse_proxy_addresses(params)));
}

ProxyFault::ProxyFault(sdk::Host& host, const ProxyAddresses& addresses)
    : host_(host), attachment_(host, addresses.listen, addresses.upstream) {}

ProxyFault::~ProxyFault() = default;  // the attachment stops metrics and releases the proxy

void ProxyFault::start() {
  if (active_) throw sdk::StateError("the proxy is already started");
  Proxy& proxy = attachment_.attach();
  attachment_.start_metrics();
  active_ = true;
  std::string to = proxy.upstream().text();
  if (proxy.upstream().is_name()) to += " (resolved to " + to_string(proxy.upstream_address()) + ")";
  host_.info("proxy listening on " + to_string(proxy.local_endpoint()) + ", forwarding to " + to);
}

void ProxyFault::stop() {
  if (!active_) return;
  attachment_.stop_metrics();
  active_ = false;
}

std::string ProxyFault::status_json() {
  sdk::JsonObject json;
  json.add("kind", kName).add("active", active_);
  attachment_.add_status(json);
  return json.str();
}

}  // namespace chaos::network
