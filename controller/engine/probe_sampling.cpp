#include "engine/probe_sampling.h"

namespace chaos::engine {

ProbeSampling::~ProbeSampling() { stop(); }

void ProbeSampling::add(std::unique_ptr<probes::Probe> probe, std::chrono::microseconds every) {
  const size_t index = probes_.size();
  Sampled sampled;
  sampled.every = every;
  if (mode_ == SamplingMode::kThreads) {
    sampled.runner = std::make_unique<probes::ProbeRunner>(
        std::move(probe), every, loop_.clock(), [this, index](const probes::ProbeSample& sample) {
          loop_.post([this, index, sample] { deliver_(index, sample); });
        });
  } else {
    sampled.probe = std::move(probe);
  }
  probes_.push_back(std::move(sampled));
}

void ProbeSampling::start() {
  running_ = true;
  for (size_t i = 0; i < probes_.size(); ++i) {
    if (probes_[i].runner) {
      probes_[i].runner->start();
    } else {
      probes_[i].next = loop_.clock().now();
      probes_[i].timer = loop_.at(probes_[i].next, [this, i] { sample_on_loop(i); });
    }
  }
}

// As ProbeRunner does: samples on a fixed grid, never bursting to catch up.
void ProbeSampling::sample_on_loop(size_t index) {
  Sampled& s = probes_[index];
  deliver_(index, s.probe->sample(loop_.clock()));
  if (!running_) return;
  s.next += s.every;
  if (s.next < loop_.clock().now()) s.next = loop_.clock().now();
  s.timer = loop_.at(s.next, [this, index] { sample_on_loop(index); });
}

void ProbeSampling::stop() {
  running_ = false;
  for (auto& s : probes_) {
    if (s.runner) s.runner->stop();
    if (s.timer) loop_.cancel(s.timer);
    s.timer = 0;
  }
}

}  // namespace chaos::engine
