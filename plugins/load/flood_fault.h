#pragma once
// FloodFault ("flood"): the fault kind around FloodEngine. start launches the workers and a
// reporter thread that emits the live metrics every second; stop ends both within ~100 ms,
// closes every socket, and logs the totals (sent = ok + errors + in flight at stop).
// update changes the rate shape, arrivals and connections live (target and model are fixed;
// every other parameter keeps its value from start).
//
// Metrics (every second, and once more at stop): achieved_rps (responses/s in the last
// second), sent_rps, in_flight, open_connections, queued, p50_ms, p90_ms, p99_ms, p999_ms, max_ms
// (of the last second; from intended send time in the open model), and cumulative sent, ok,
// errors, error_connect_refused, error_timeout, error_reset, error_4xx, error_5xx,
// error_other, late, dropped, and sends_per_ms_p99, sends_per_ms_max (over the run so far).
// The status sets what was asked beside what was achieved: rate_requested (open model, the
// shape's rate now) against achieved_rps and sent_rps (the last second), connections against
// open_connections.

#include <atomic>
#include <chaos/plugin.hpp>
#include <memory>
#include <string>

#include "flood_config.h"
#include "flood_engine.h"

namespace chaos::load {

class FloodFault : public sdk::Fault {
 public:
  static constexpr const char* kName = "flood";
  static constexpr const char* kSummary =
      "Floods an allowed HTTP target with requests: open model (arrival rate, coordinated "
      "omission corrected) or closed model (N connections), with ramp, step and spike shapes.";
  static constexpr const char* kSchema = kFloodSchemaText;

  static std::unique_ptr<FloodFault> create(sdk::Host& host, const sdk::Params& params);
  ~FloodFault() override;

  void start() override;
  void stop() override;
  std::string status_json() override;
  void update(const sdk::Params& params) override;

 private:
  FloodFault(sdk::Host& host, FloodConfig config) : host_(host), config_(std::move(config)) {}
  // The reporter's tick: emits, and ends the flood at max_duration or when it finished.
  bool report(sdk::PeriodicReporter::Clock::duration since_last);
  void emit(double seconds);

  sdk::Host& host_;
  FloodConfig config_;
  std::unique_ptr<FloodEngine> engine_;
  sdk::PeriodicReporter::Clock::time_point started_;
  FloodSnapshot last_;  // reporter thread only
  // When the last metrics were emitted, and whether the reporter ended by itself (max_duration
  // or finished: nothing is left to emit at stop). Reporter thread, then stop after the join.
  sdk::PeriodicReporter::Clock::time_point last_emit_;
  bool reporter_ended_ = false;
  LatencyHistogram interval_;  // reporter thread only (and stop, after the join)
  // The last second's figures, for status (read on the host's thread).
  std::atomic<double> achieved_rps_{0}, sent_rps_{0};
  std::string stopped_status_;      // the last status, kept after stop
  sdk::PeriodicReporter reporter_;  // last: joined before the state its tick reads goes
};

}  // namespace chaos::load
