#include "rate_shape.h"

namespace chaos::load {

double RateShape::rate_at(int64_t t) const noexcept {
  if (t < 0) t = 0;
  switch (kind) {
    case Kind::kConstant:
      return rate;
    case Kind::kRamp:
      if (ramp_over_us <= 0 || t >= ramp_over_us) return rate;
      return ramp_from + (rate - ramp_from) * static_cast<double>(t) / ramp_over_us;
    case Kind::kSteps: {
      int64_t start = 0;
      for (const Step& s : steps) {
        if (t < start + s.for_us) return s.rate;
        start += s.for_us;
      }
      return steps.empty() ? rate : steps.back().rate;
    }
    case Kind::kSpike: {
      if (t < spike_at_us) return rate;
      int64_t into = t - spike_at_us;
      if (spike_every_us > 0) into %= spike_every_us;
      return into < spike_for_us ? rate + spike_rate : rate;
    }
  }
  return rate;
}

}  // namespace chaos::load
