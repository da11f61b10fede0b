#include "probes/probe_runner.h"

namespace chaos::probes {

ProbeRunner::ProbeRunner(std::unique_ptr<Probe> probe, std::chrono::microseconds interval,
                         Clock& clock, OnSample on_sample)
    : probe_(std::move(probe)), interval_(interval), clock_(clock),
      on_sample_(std::move(on_sample)) {}

ProbeRunner::~ProbeRunner() { stop(); }

void ProbeRunner::start() { thread_ = std::thread([this] { loop(); }); }

void ProbeRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  probe_->cancel();  // a sample waiting on a silent dependency returns now
  if (thread_.joinable()) thread_.join();
}

void ProbeRunner::loop() {
  // Samples are scheduled on a fixed grid, so a slow reading does not shift the ones after it.
  SteadyTime next = clock_.now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    ProbeSample sample = probe_->sample(clock_);
    lock.lock();
    if (stopping_) break;  // cut short by stop(): not a reading of the system
    lock.unlock();
    on_sample_(sample);
    lock.lock();
    next += interval_;
    const SteadyTime now = clock_.now();
    if (next < now) next = now;  // fell behind: do not burst to catch up
    while (!stopping_ && clock_.now() < next) clock_.wait_until(cv_, lock, next);
  }
}

}  // namespace chaos::probes
