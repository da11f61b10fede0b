#pragma once
// ToxiproxyApi: Toxiproxy's HTTP API over StandingProxies, as one function from request to
// response (no sockets), so existing Toxiproxy clients and test suites drive chaosctl
// unchanged. Same routes, JSON shapes, status codes and error bodies ({"error": ..., "status":
// N}) as Toxiproxy 2.x:
//
//   GET  /proxies                 {name: proxy}          POST /proxies            201 proxy
//   POST /populate                201 {"proxies": [..]}   GET  /proxies/{p}        proxy
//   POST|PATCH /proxies/{p}       proxy                  DELETE /proxies/{p}      204
//   GET  /proxies/{p}/toxics      [toxic]                POST /proxies/{p}/toxics toxic
//   GET  /proxies/{p}/toxics/{t}  toxic                  POST|PATCH .../{t}       toxic
//   DELETE /proxies/{p}/toxics/{t} 204                   POST /reset              204
//   GET  /version                 {"version": ...}
//
// chaosctl's own routes, for runs in other processes (controller/remote/ is their client):
//
//   POST   /chaosctl/v1/faults            {"proxy","kind","params","ttl_ms","owner"[,"id"]} 201
//   GET    /chaosctl/v1/faults            [fault]
//   POST   /chaosctl/v1/faults/{id}/renew {"ttl_ms"}                                  200
//   POST   /chaosctl/v1/faults/{id}       {"params"} (a running fault's new parameters)  200
//   DELETE /chaosctl/v1/faults/{id}       204
//
// Access: reads are open. A request that changes something needs `Authorization: Bearer
// TOKEN`, except when the API listens on loopback only, where Toxiproxy's clients (which send
// no token) are let in; a wrong token is refused even there. As in Toxiproxy, a request whose
// User-Agent is a browser's ("Mozilla/...") is refused, and so is a Host header that is not a
// loopback name or the listen host (DNS rebinding): no web page can drive the API.
//
// Thread-safety: handle() may be called from any thread (StandingProxies locks).

#include <string>

#include "server/http_types.h"
#include "proxies/standing_proxies.h"

namespace chaos::proxies {

struct ToxiproxyApiConfig {
  std::string token;          // required for changes unless tokenless_loopback
  bool tokenless_loopback = false;  // the API listens on loopback only
  std::string listen_host;    // answered besides loopback names
  std::string version = "chaosctl";
};

class ToxiproxyApi {
 public:
  ToxiproxyApi(ToxiproxyApiConfig config, StandingProxies& proxies)
      : config_(std::move(config)), proxies_(proxies) {}

  server::HttpResponse handle(const server::HttpRequest& request);

 private:
  server::HttpResponse route(const server::HttpRequest& request, const std::string& path);
  server::HttpResponse leases(const server::HttpRequest& request, const std::string& rest);

  ToxiproxyApiConfig config_;
  StandingProxies& proxies_;
};

}  // namespace chaos::proxies
