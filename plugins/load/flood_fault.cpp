#include "flood_fault.h"

#include <chrono>

namespace chaos::load {

std::unique_ptr<FloodFault> FloodFault::create(sdk::Host& host, const sdk::Params& params) {
  return std::unique_ptr<FloodFault>(new FloodFault(host, parse_flood_config(params, &host)));
}

FloodFault::~FloodFault() { stop(); }

void FloodFault::start() {
  if (engine_) throw sdk::StateError("the flood is already running; stop it first");
  last_ = {};
  interval_.clear();
  engine_ = std::make_unique<FloodEngine>(config_);
  engine_->start();
  started_ = sdk::PeriodicReporter::Clock::now();
  last_emit_ = started_;
  reporter_ended_ = false;
  reporter_.start(
      [this](sdk::PeriodicReporter::Clock::duration since_last) { return report(since_last); });
  const bool open = config_.model == FloodConfig::Model::kOpen;
  host_.info(
      std::string("flood ") + (open ? "open model" : "closed model") + " on " +
      config_.target.host_header + config_.paths.front() + ": " +
      (open ? std::to_string(static_cast<long long>(config_.shape.rate_at(0))) + " req/s to start"
            : std::to_string(config_.connections) + " connections"));
}

bool FloodFault::report(sdk::PeriodicReporter::Clock::duration since_last) {
  emit(std::chrono::duration<double>(since_last).count());
  last_emit_ = sdk::PeriodicReporter::Clock::now();
  const auto elapsed = sdk::PeriodicReporter::Clock::now() - started_;
  const bool over = elapsed >= std::chrono::microseconds(config_.max_duration_us);
  if (!over && !engine_->finished()) return true;
  // Stop sending; the sockets are closed by stop(), which the host calls.
  engine_->stop();
  host_.event(over ? "flood_max_duration" : "flood_finished", "{}");
  reporter_ended_ = true;
  return false;
}

void FloodFault::emit(double seconds) {
  const FloodSnapshot s = engine_->snapshot();
  interval_.clear();
  engine_->take_interval(interval_);
  const double done = static_cast<double>((s.ok + s.errors()) - (last_.ok + last_.errors()));
  const double achieved = seconds > 0 ? done / seconds : 0;
  const double sent = seconds > 0 ? static_cast<double>(s.sent - last_.sent) / seconds : 0;
  achieved_rps_.store(achieved);
  sent_rps_.store(sent);
  host_.metric("achieved_rps", achieved);
  host_.metric("sent_rps", sent);
  host_.metric("in_flight", static_cast<double>(s.in_flight));
  host_.metric("open_connections", static_cast<double>(s.open_connections));
  host_.metric("queued", static_cast<double>(s.queued));
  if (interval_.count() > 0) {
    host_.metric("p50_ms", interval_.percentile(0.50) / 1000.0);
    host_.metric("p90_ms", interval_.percentile(0.90) / 1000.0);
    host_.metric("p99_ms", interval_.percentile(0.99) / 1000.0);
    host_.metric("p999_ms", interval_.percentile(0.999) / 1000.0);
    host_.metric("max_ms", interval_.max() / 1000.0);
  }
  host_.metric("sent", static_cast<double>(s.sent));
  host_.metric("ok", static_cast<double>(s.ok));
  host_.metric("errors", static_cast<double>(s.errors()));
  host_.metric("error_connect_refused", static_cast<double>(s.connect_refused));
  host_.metric("error_timeout", static_cast<double>(s.timeout));
  host_.metric("error_reset", static_cast<double>(s.reset));
  host_.metric("error_4xx", static_cast<double>(s.status_4xx));
  host_.metric("error_5xx", static_cast<double>(s.status_5xx));
  host_.metric("error_other", static_cast<double>(s.other_error));
  host_.metric("late", static_cast<double>(s.late));
  host_.metric("dropped", static_cast<double>(s.dropped));
  const SendsPerMs spacing = engine_->sends_per_ms();
  host_.metric("sends_per_ms_p99", static_cast<double>(spacing.p99));
  host_.metric("sends_per_ms_max", static_cast<double>(spacing.max));
  last_ = s;
}

void FloodFault::stop() {
  if (!engine_) return;
  reporter_.request_stop();
  engine_->stop();  // closes every socket before returning
  reporter_.stop();
  // The last partial second: a 10.4 s flood has 11 samples, the last over 0.4 s.
  if (!reporter_ended_) {
    emit(std::chrono::duration<double>(sdk::PeriodicReporter::Clock::now() - last_emit_).count());
  }
  const FloodSnapshot s = engine_->snapshot();
  const bool reconciled = s.sent == s.ok + s.errors() + static_cast<uint64_t>(s.in_flight);
  host_.info("flood stopped: sent " + std::to_string(s.sent) + " = ok " + std::to_string(s.ok) +
             " + errors " + std::to_string(s.errors()) + " + in flight " +
             std::to_string(s.in_flight) + (reconciled ? "" : " (MISMATCH)") + "; late " +
             std::to_string(s.late) + ", dropped " + std::to_string(s.dropped));
  stopped_status_ = status_json();
  const std::string running = "\"running\":true";
  stopped_status_.replace(stopped_status_.find(running), running.size(), "\"running\":false");
  engine_.reset();
}

std::string FloodFault::status_json() {
  if (!engine_) return stopped_status_.empty() ? R"({"running":false})" : stopped_status_;
  const FloodSnapshot s = engine_->snapshot();
  const SendsPerMs spacing = engine_->sends_per_ms();
  LatencyHistogram total;
  engine_->total(total);
  sdk::JsonObject errors;
  errors.add("connect_refused", s.connect_refused)
      .add("timeout", s.timeout)
      .add("reset", s.reset)
      .add("status_4xx", s.status_4xx)
      .add("status_5xx", s.status_5xx)
      .add("other", s.other_error);
  sdk::JsonObject latency;
  latency.add("count", total.count())
      .add("p50_ms", total.percentile(0.5) / 1000.0)
      .add("p90_ms", total.percentile(0.9) / 1000.0)
      .add("p99_ms", total.percentile(0.99) / 1000.0)
      .add("p999_ms", total.percentile(0.999) / 1000.0)
      .add("max_ms", total.max() / 1000.0);
  sdk::JsonObject out;
  const bool open = config_.model == FloodConfig::Model::kOpen;
  out.add("running", true).add("model", open ? "open" : "closed");
  if (open) {
    const auto since = std::chrono::duration_cast<std::chrono::microseconds>(
        sdk::PeriodicReporter::Clock::now() - started_);
    out.add("rate_requested", config_.shape.rate_at(since.count()));
  }
  out.add("achieved_rps", achieved_rps_.load())
      .add("sent_rps", sent_rps_.load())
      .add("arrivals", arrival_kind_name(config_.arrivals))
      .add("seed", config_.seed)
      .add("connections", config_.connections)
      .add("sent", s.sent)
      .add("ok", s.ok)
      .add("errors", s.errors())
      .add("in_flight", s.in_flight)
      .add("late", s.late)
      .add("dropped", s.dropped)
      .add("queued", s.queued)
      .add("connects", s.connects)
      .add("open_connections", s.open_connections)
      .add("finished", engine_->finished())
      .add("sends_per_ms_p99", spacing.p99)
      .add("sends_per_ms_max", spacing.max)
      .add("sends_per_ms_over_ms", spacing.ms)
      .add_raw("errors_by_kind", errors.str())
      .add_raw("latency", latency.str());
  return out.str();
}

void FloodFault::update(const sdk::Params& params) {
  FloodConfig next = parse_flood_config(params, &host_);
  if (next.target.host_header != config_.target.host_header || next.model != config_.model)
    throw sdk::InvalidParams("target", "target and model cannot change while the flood runs");
  // The rest of the parameters (threads, paths, timeouts...) keep their values from start.
  config_.shape = next.shape;
  config_.arrivals = next.arrivals;
  config_.connections = next.connections;
  if (engine_) engine_->set_live({next.shape, next.arrivals, next.connections});
  host_.info("flood updated: " + std::string(arrival_kind_name(next.arrivals)) + " arrivals, " +
             std::to_string(next.connections) + " connections");
}

}  // namespace chaos::load
