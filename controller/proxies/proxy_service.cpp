#include "proxies/proxy_service.h"

#include "common/text_file.h"
#include "proxies/proxy_config.h"

namespace chaos::proxies {

Result<std::unique_ptr<ProxyService>> ProxyService::start(const ProxyServiceOptions& options,
                                                          const plugin_host::PluginRegistry& registry,
                                                          Clock& clock) {
  std::string config_text;
  std::vector<ProxySpec> specs;
  if (!options.config_path.empty()) {
    auto text = read_text_file(options.config_path);
    if (!text) return text.status();
    config_text = text.value();
    auto parsed = parse_proxy_config(config_text, options.config_path);
    if (!parsed) return parsed.status();
    specs = std::move(parsed.value());
  }
  std::unique_ptr<ProxyService> service(new ProxyService());
  service->clock_ = &clock;
  if (options.db_path.empty()) {
    service->journal_ = ProxyJournal::discard(clock);
  } else {
    auto journal = ProxyJournal::open(options.db_path, options.title, config_text, clock);
    if (!journal) return journal.status();
    service->journal_ = std::move(journal.value());
  }
  service->proxies_ = std::make_unique<StandingProxies>(registry, *service->journal_, clock);
  for (const ProxySpec& spec : specs) {
    auto added = service->proxies_->add(spec);
    if (!added) {
      return Status::invalid_argument(options.config_path + ": " + added.message);
    }
  }
  // The API's access rule depends on where it listens, so the listener binds first; it
  // serves nothing before start().
  ProxyService* self = service.get();
  service->listener_ = std::make_unique<HttpListener>(
      [self](const server::HttpRequest& request) { return self->api_->handle(request); });
  if (Status st = service->listener_->listen(options.api_listen, "--api-listen"); !st) return st;
  ToxiproxyApiConfig config;
  config.token = options.token;
  config.tokenless_loopback = service->listener_->loopback();
  config.listen_host = options.api_listen.substr(0, options.api_listen.rfind(':'));
  service->api_ = std::make_unique<ToxiproxyApi>(config, *service->proxies_);
  service->listener_->start();
  service->sweeper_ = std::thread([s = service.get(), i = options.sweep_interval] { s->sweep_loop(i); });
  return service;
}

ProxyService::~ProxyService() { stop(); }

void ProxyService::sweep_loop(std::chrono::milliseconds interval) {
  SteadyTime next_flush = clock_->now() + std::chrono::seconds(1);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    clock_->wait_until(wake_, lock, clock_->now() + interval);
    if (stopping_) break;
    lock.unlock();
    proxies_->expire();
    if (clock_->now() >= next_flush) {
      journal_->flush_samples();
      next_flush = clock_->now() + std::chrono::seconds(1);
    }
    lock.lock();
  }
}

void ProxyService::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  if (listener_) listener_->stop();
  proxies_.reset();  // every fault, then every proxy, each journaled
  if (journal_) journal_->close("chaosctl stopped the standing proxies; every toxic removed");
}

}  // namespace chaos::proxies
