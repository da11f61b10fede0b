#pragma once
// ProbeRunner: samples one probe every `interval` on its own thread, so a slow probe never
// stalls the run's event loop, and hands each sample to a callback.
//
// Thread-safety: start/stop from one thread. The callback runs on the runner's thread and must
// be thread-safe (the engine posts the sample to its loop).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "probes/probe.h"

namespace chaos::probes {

class ProbeRunner {
 public:
  using OnSample = std::function<void(const ProbeSample&)>;
  ProbeRunner(std::unique_ptr<Probe> probe, std::chrono::microseconds interval, Clock& clock,
              OnSample on_sample);
  ~ProbeRunner();  // stops

  void start();
  // Cancels the sample in progress (Probe::cancel) and joins: returns promptly even when the
  // probe's dependency never answers. A sample cut short this way is not delivered.
  void stop();

 private:
  void loop();
  std::unique_ptr<Probe> probe_;
  const std::chrono::microseconds interval_;
  Clock& clock_;
  OnSample on_sample_;
  std::mutex mutex_;  // guards stopping_ with cv_
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chaos::probes
