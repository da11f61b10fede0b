#pragma once
// RateShape: the open model's target arrival rate as a function of time since start — the
// shapes an SRE draws on a whiteboard. Pure: no clock, no threads, unit-tested.
//
//   constant  rate
//   ramp      ramp_from -> rate, linearly over ramp_over, then rate
//   steps     each {rate, for} in turn, then the last rate
//   spike     rate, plus spike_rate extra during [spike_at, spike_at + spike_for),
//             repeated every spike_every if that is non-zero

#include <cstdint>
#include <vector>

namespace chaos::load {

struct RateShape {
  enum class Kind { kConstant, kRamp, kSteps, kSpike };
  struct Step {
    double rate = 0;
    int64_t for_us = 0;
  };
  Kind kind = Kind::kConstant;
  double rate = 0;  // requests per second
  double ramp_from = 0;
  int64_t ramp_over_us = 0;
  std::vector<Step> steps;
  double spike_rate = 0;
  int64_t spike_at_us = 0;
  int64_t spike_for_us = 0;
  int64_t spike_every_us = 0;

  // Requests per second at `t_us` since the flood started.
  double rate_at(int64_t t_us) const noexcept;
};

}  // namespace chaos::load
