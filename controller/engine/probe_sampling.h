#pragma once
// ProbeSampling: how a run's probes are sampled. Normally each probe on a thread of its own
// (probes::ProbeRunner), so a slow probe never stalls the run, its samples posted to the run's
// loop. With SamplingMode::kOnLoop each sample is taken on the loop itself, at its time: for
// tests on a ManualClock, where the run's virtual time must only move when the loop waits
// (the probes must then answer at once).
//
// Thread-safety: add/start/stop from the loop's thread; samples are delivered on it.

#include <functional>
#include <memory>
#include <vector>

#include "engine/event_loop.h"
#include "probes/probe.h"
#include "probes/probe_runner.h"

namespace chaos::engine {

enum class SamplingMode { kThreads, kOnLoop };

class ProbeSampling {
 public:
  using Deliver = std::function<void(size_t probe, const probes::ProbeSample& sample)>;

  // `deliver` is called on the loop's thread. `loop` must outlive this.
  ProbeSampling(EventLoop& loop, SamplingMode mode, Deliver deliver)
      : loop_(loop), mode_(mode), deliver_(std::move(deliver)) {}
  ~ProbeSampling();  // stop()

  // Probe number i is the i-th added.
  void add(std::unique_ptr<probes::Probe> probe, std::chrono::microseconds every);
  void start();
  // kThreads: cancels each probe's sample in progress (probes::Probe::cancel) and joins its
  // thread, so a dependency that never answers does not hold stop() for the probe's timeout; a
  // sample cut short is not delivered. kOnLoop: samples are taken on the loop's thread, which
  // is the caller's, so none is in progress and nothing needs cancelling. Samples already
  // posted to the loop are still delivered when it next runs.
  void stop();

 private:
  struct Sampled {
    std::unique_ptr<probes::Probe> probe;  // kOnLoop
    std::chrono::microseconds every{0};
    std::unique_ptr<probes::ProbeRunner> runner;  // kThreads
    SteadyTime next{};
    EventLoop::TimerId timer = 0;
  };
  void sample_on_loop(size_t index);

  EventLoop& loop_;
  const SamplingMode mode_;
  Deliver deliver_;
  std::vector<Sampled> probes_;
  bool running_ = false;
};

}  // namespace chaos::engine
