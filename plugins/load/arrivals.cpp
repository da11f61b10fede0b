#include "arrivals.h"

#include <cmath>

namespace chaos::load {

bool parse_arrival_kind(std::string_view text, ArrivalKind& out) noexcept {
  if (text == "uniform") {
    out = ArrivalKind::kUniform;
  } else if (text == "poisson") {
    out = ArrivalKind::kPoisson;
  } else {
    return false;
  }
  return true;
}

const char* arrival_kind_name(ArrivalKind kind) noexcept {
  return kind == ArrivalKind::kPoisson ? "poisson" : "uniform";
}

// Streams are spaced far apart in splitmix64's sequence (the odd constant is its increment's
// golden-ratio cousin), so worker k's draws never replay worker j's.
ArrivalSchedule::ArrivalSchedule(uint64_t seed, uint64_t stream) noexcept
    : state_(seed ^ (stream * 0xd1b54a32d192ed03ULL)) {}

uint64_t ArrivalSchedule::next() noexcept {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double ArrivalSchedule::gap_ns(ArrivalKind kind, double rate) noexcept {
  const double mean = 1e9 / rate;
  if (kind == ArrivalKind::kUniform) return mean;
  // u in (0, 1]: 53 random bits, never 0, so the logarithm is finite.
  const double u = static_cast<double>((next() >> 11) + 1) * 0x1.0p-53;
  return -std::log(u) * mean;
}

}  // namespace chaos::load
