#pragma once
// FloodEngine: the HTTP/1.1 load generator behind the "flood" fault. `threads` workers, each
// with its own epoll set, timerfd and connections (non-blocking, edge-triggered, one
// epoll_ctl per connection's life), no locks on the hot path except the worker's own
// histogram mutex.
//
// Open model: each worker sends rate/threads requests per second whatever the target does, at
// intended times spaced by `arrivals` (uniform: evenly, workers staggered by a fraction of the
// interval; poisson: exponential gaps from the seed, one stream per worker). A send that finds
// no idle connection opens one (up to `connections`) or waits in a queue and is counted
// `late`; past `max_queue` it is `dropped` (counted, never silently skipped). Latency is
// measured from the INTENDED send time, so a stalled target shows its stall in the
// percentiles (coordinated omission corrected).
// Closed model: `connections` connections each send the next request as soon as the previous
// response ends; latency from the actual send.
// set_live changes the rate shape, arrivals and connections while running. Fewer connections:
// idle ones close at once, busy ones once their response (or error) is counted, so no counted
// request is abandoned. More: the closed model opens them; the open model may.
// Every request's real send time (its last byte written) is counted per millisecond for
// sends_per_ms (send_spacing.h).
//
// Thread-safety: start from one controlling thread, before any other call. stop may be called
// from any thread, concurrently and repeatedly (serialized by stop_mutex_; each worker thread
// is joined exactly once, never by itself). set_live/snapshot/take_interval/total/finished/
// sends_per_ms from any thread once started; counters are atomics, histograms are guarded by
// Worker::mutex_, the live settings by live_mutex_, the send spacing by spacing_mutex_.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "arrivals.h"
#include "flood_config.h"
#include "histogram.h"
#include "rate_shape.h"
#include "send_spacing.h"

namespace chaos::load {

struct FloodCounters {
  std::atomic<uint64_t> sent{0};  // requests put on a connection (or whose connect was tried)
  std::atomic<uint64_t> ok{0};    // responses with status < 400
  std::atomic<uint64_t> status_4xx{0};
  std::atomic<uint64_t> status_5xx{0};
  std::atomic<uint64_t> connect_refused{0};
  std::atomic<uint64_t> timeout{0};
  std::atomic<uint64_t> reset{0};  // reset, or closed by the peer before the response ended
  std::atomic<uint64_t> other_error{0};  // malformed response, other socket errors
  std::atomic<uint64_t> late{0};     // open model: waited for a free connection
  std::atomic<uint64_t> dropped{0};  // open model: queue full, never sent
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> open_connections{0};
  std::atomic<uint64_t> connects{0};
};

struct FloodSnapshot {
  uint64_t sent = 0, ok = 0, status_4xx = 0, status_5xx = 0, connect_refused = 0, timeout = 0,
           reset = 0, other_error = 0, late = 0, dropped = 0, connects = 0;
  int64_t in_flight = 0, open_connections = 0, queued = 0;
  uint64_t errors() const {
    return status_4xx + status_5xx + connect_refused + timeout + reset + other_error;
  }
};

// What may change while the flood runs.
struct FloodLive {
  RateShape shape;
  ArrivalKind arrivals = ArrivalKind::kUniform;
  int connections = 1;  // the total over all workers
};

class FloodEngine {
 public:
  explicit FloodEngine(FloodConfig config);
  ~FloodEngine();  // stop()
  FloodEngine(const FloodEngine&) = delete;
  FloodEngine& operator=(const FloodEngine&) = delete;

  // Starts the workers. Throws std::runtime_error if a worker cannot be set up.
  void start();
  // Stops every worker and closes every socket; returns when all are closed. Idempotent and
  // safe from any thread, also while another thread is in stop (it waits for that one).
  // Called on a worker thread, it stops the others and leaves its own thread to be joined by
  // a later stop or the destructor.
  void stop();
  // New live settings, applied by each worker at its next loop turn (within ~5 ms).
  void set_live(const FloodLive& live);

  FloodSnapshot snapshot() const;
  // Moves the latencies recorded since the last call into `out` (merged).
  void take_interval(LatencyHistogram& out);
  // All latencies since start.
  void total(LatencyHistogram& out) const;
  // True once all max_requests requests have ended (response, error or dropped).
  bool finished() const;
  // Sends per millisecond over the run's completed milliseconds so far (up to stop, once
  // stopped). Folds only the milliseconds added since the last call.
  SendsPerMs sends_per_ms();

 private:
  class Worker;
  friend class Worker;

  FloodConfig config_;
  FloodCounters counters_;
  std::atomic<uint64_t> issued_{0};  // for max_requests
  std::mutex live_mutex_;
  FloodLive live_;                            // guarded by live_mutex_
  std::atomic<uint64_t> live_generation_{0};  // bumped after each change of live_
  int64_t start_ns_ = 0;                      // fixed once start returns
  std::atomic<int64_t> stopped_ns_{0};        // when stop was first called; 0 while running
  std::mutex spacing_mutex_;
  SendSpacing spacing_;                           // guarded by spacing_mutex_
  std::mutex stop_mutex_;                         // serializes start and stop, and so every join
  std::vector<std::unique_ptr<Worker>> workers_;  // fixed once start returns
  bool started_ = false;                          // guarded by stop_mutex_
};

}  // namespace chaos::load
