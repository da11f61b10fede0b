#include "proxy_attachment.h"

#include <atomic>

namespace chaos::network {

namespace {
std::atomic<uint64_t> next_owner_id{1};
}  // namespace

ProxyAttachment::ProxyAttachment(const sdk::Host& host, const Endpoint& listen,
                                 const Upstream& upstream)
    : host_(host),
      owner_id_(next_owner_id.fetch_add(1)),
      listen_(listen),
      upstream_(upstream) {}

ProxyAttachment::~ProxyAttachment() {
  reporter_.stop();
  if (lease_) lease_->detach(owner_id_);
  // lease_ releases the proxy (closing it if this was the last lease).
}

Proxy& ProxyAttachment::attach() {
  if (!lease_) {
    lease_ = ProxyRegistry::global().acquire(listen_, upstream_);
    lease_->attach(owner_id_, &host_);
  }
  return *lease_;
}

void ProxyAttachment::set_rule(Rule rule) {
  rule.owner = owner_id_;
  lease_->set_rule(std::move(rule));
}

void ProxyAttachment::clear_rule() {
  if (lease_) lease_->clear_rule(owner_id_);
}

void ProxyAttachment::start_metrics(std::vector<Series> extra) {
  if (!lease_) return;
  const ProxyStats& s = lease_->stats();
  std::vector<Series> series = {
      {"connections_opened", &s.connections_opened},
      {"connections_active", &s.connections_active},
      {"upstream_connections", &s.upstream_connections},
      {"bytes_to_upstream", &s.bytes_to_upstream},
      {"bytes_from_upstream", &s.bytes_from_upstream},
      {"chunks_delayed", &s.chunks_delayed},
      {"upstream_errors", &s.upstream_errors},
      {"listening", &s.listening},
      {"release_spin_us", &s.release_spin_us},
      {"release_spins_denied", &s.release_spins_denied},
      {"buffered_bytes", &s.buffered_bytes},
      {"buffered_bytes_peak", &s.buffered_bytes_peak},
      {"buffer_grown_bytes", &s.buffer_grown_bytes},
      {"buffer_growths", &s.buffer_growths},
      {"buffer_backpressure", &s.buffer_backpressure},
  };
  series.insert(series.end(), extra.begin(), extra.end());
  if (reporter_.running()) return;  // a second start while reporting is ignored
  series_ = std::move(series);
  reporter_.start(
      [this](sdk::PeriodicReporter::Clock::duration) {
        emit_series(host_, series_);
        return true;
      },
      {kMetricsInterval, /*tick_at_start=*/true});
}

void ProxyAttachment::stop_metrics() {
  if (!reporter_.running()) return;
  reporter_.stop();
  emit_series(host_, series_);  // the last window, so a chart does not end one interval early
}

void ProxyAttachment::add_status(sdk::JsonObject& json) const {
  json.add("listen", to_string(lease_ ? lease_->local_endpoint() : listen_))
      .add("upstream", upstream_.text())
      .add("attached", attached());
  if (!lease_) return;
  json.add("upstream_address", to_string(lease_->upstream_address()));
  const ProxyStats& s = lease_->stats();
  json.add("connections_opened", s.connections_opened.load())
      .add("connections_active", s.connections_active.load())
      .add("upstream_connections", s.upstream_connections.load())
      .add("bytes_to_upstream", s.bytes_to_upstream.load())
      .add("bytes_from_upstream", s.bytes_from_upstream.load())
      .add("chunks_delayed", s.chunks_delayed.load())
      .add("upstream_errors", s.upstream_errors.load())
      .add("listening", s.listening.load() != 0)
      .add("release_spin_us", s.release_spin_us.load())
      .add("release_spins_denied", s.release_spins_denied.load())
      .add("buffered_bytes", s.buffered_bytes.load())
      .add("buffered_bytes_peak", s.buffered_bytes_peak.load())
      .add("buffer_grown_bytes", s.buffer_grown_bytes.load())
      .add("buffer_growths", s.buffer_growths.load())
      .add("buffer_backpressure", s.buffer_backpressure.load());
}

}  // namespace chaos::network
