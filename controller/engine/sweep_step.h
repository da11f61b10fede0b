#pragma once
// One step of a sweep (engine/sweep.lua): a fault held at one magnitude of one parameter for
// `hold`, whose hypothesis is judged over that step's window alone. The script hands the host
// a SweepStep when the hold is over; the host judges it, stores it, and answers a SweepVerdict.
// The sweep's end (SweepEnd) says where it stopped: the tipping point.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

namespace chaos::engine {

struct SweepStep {
  int sweep = 1;  // the run's first sweep is 1
  int step = 1;   // from 1
  int64_t fault_id = 0;
  std::string fault;  // the fault's name
  std::string kind;
  std::string param;      // e.g. "delay"
  std::string magnitude;  // as the fault was given it: "150ms", "40"
  double value = 0;       // the magnitude as a number (durations in ms), for curves
  std::string unit;       // "ms" for durations, "" for plain numbers
  double from_s = 0;      // the window judged, in seconds since the run started
  double to_s = 0;
  // The probe the sweep judges by; empty: every steady-state probe judged while faults are on.
  std::string until;
};

struct SweepCheck {
  std::string probe;
  std::string aggregate;
  std::optional<double> value;  // none when there was nothing to compute it from
  std::string expectation;
  std::string outcome;  // ok|failed|inconclusive|error
  int64_t samples = 0;
};

struct SweepVerdict {
  std::string outcome = "held";  // held|broke|inconclusive
  std::string reason;            // what broke or could not be judged, for people
  std::vector<SweepCheck> checks;
};

struct SweepEnd {
  int sweep = 1;
  std::string fault, kind, param;
  int steps = 0;                         // steps judged
  std::optional<std::string> last_good;  // the last magnitude that held
  std::optional<std::string> first_bad;  // the first that broke
  bool inconclusive = false;             // it stopped on a step it could not judge
};

}  // namespace chaos::engine
