#pragma once
// ArrivalSchedule: the gaps between the open model's intended send times. Pure: no clock, no
// threads, unit-tested.
//
//   uniform  every gap is 1/rate: evenly spaced sends, the least bursty load for a rate
//   poisson  gaps drawn from an exponential distribution with mean 1/rate: independent
//            arrivals, as from many users who do not coordinate (at 5k/s about 11-12 sends in
//            the busiest 1 % of milliseconds, against 5 for uniform)
//
// The draws come from a seeded splitmix64 generator and our own exponential transform (not
// <random>'s distributions, whose output differs between standard libraries), so a seed gives
// the same schedule on every machine. Each worker thread has its own stream (seed, stream).
// Thread-safety: none; one owner (a flood worker).

#include <cstdint>
#include <string_view>

namespace chaos::load {

enum class ArrivalKind { kUniform, kPoisson };

// "uniform" or "poisson"; false for anything else.
bool parse_arrival_kind(std::string_view text, ArrivalKind& out) noexcept;
const char* arrival_kind_name(ArrivalKind kind) noexcept;

class ArrivalSchedule {
 public:
  ArrivalSchedule(uint64_t seed, uint64_t stream) noexcept;

  // Nanoseconds from one intended send to the next at `rate` requests/s.
  // REQUIRES: rate > 0.
  double gap_ns(ArrivalKind kind, double rate) noexcept;

 private:
  uint64_t next() noexcept;  // splitmix64
  uint64_t state_;
};

}  // namespace chaos::load
