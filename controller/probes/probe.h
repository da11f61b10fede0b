#pragma once
// Probe: something that takes one reading of the system's health. A probe is sampled over and
// over by a ProbeRunner; tolerances judge the series of samples, never a single one.
//
// Thread-safety: a Probe is sampled from one thread (its runner's) at a time; cancel() may be
// called from any thread.

#include <cstdint>
#include <string>

#include "common/clock.h"

namespace chaos::probes {

struct ProbeSample {
  SteadyTime at{};       // when the reading completed (monotonic)
  int64_t unix_ms = 0;   // the same instant on the wall clock, for storage
  double value = 0;      // the reading, in the probe's unit (HTTP: latency in ms)
  bool ok = true;        // false: the probe saw an error (refused, timeout, bad status...)
  std::string error;     // what went wrong when !ok, for people
  // With !ok: there is no value to judge — a rate or quantile warming up, a ratio with no
  // traffic in its window (0/0), a NaN answer. Neither a reading nor an error: the judge skips
  // it and it is not stored.
  bool no_value = false;
  // What the probe saw, for the record: e.g. the PromQL query, its evaluation time and the raw
  // answer. Short (probes cap it at about 4 KiB); empty when there is nothing to add.
  std::string detail;
};

class Probe {
 public:
  virtual ~Probe() = default;
  // Takes one reading. Must return within the probe's own timeout.
  virtual ProbeSample sample(Clock& clock) = 0;
  // Makes a sample in progress, and every later one, return at once (a failed sample). Called
  // from another thread than sample() when the probe's runner stops, so that a dependency that
  // never answers cannot hold up the end of a run for the probe's timeout. Never blocks.
  virtual void cancel() {}
  // The unit of `value`, e.g. "ms".
  virtual std::string unit() const = 0;
};

}  // namespace chaos::probes
