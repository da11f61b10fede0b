#include "shop_service.h"

#include "checkout.h"

namespace chaos::demo {

namespace net = boost::asio;

net::awaitable<HttpResponse> ShopService::handle(HttpRequest request) {
  // Unknown paths share one label value: a scanner must not mint a series per URL.
  std::string label = "other";
  HttpResponse response;
  if (request.path == "/checkout" || request.path == "/health" || request.path == "/metrics") {
    label = request.path;
    if (request.method != "GET") {
      response = HttpResponse{405, "text/plain; charset=utf-8", "method not allowed\n"};
    } else if (request.path == "/checkout") {
      response = co_await run_checkout(*pool_, metrics_, checkouts_++);
    } else if (request.path == "/health") {
      response.body = "ok\n";  // deliberately does not touch the db: the shop process is up
    } else {
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = metrics_.render(pool_->stats());
    }
  } else {
    response = HttpResponse{404, "text/plain; charset=utf-8", "not found\n"};
  }
  metrics_.count_request(label, response.status);
  co_return response;
}

}  // namespace chaos::demo
