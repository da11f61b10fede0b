#pragma once
// FloodConfig: a flood's parameters, parsed and checked (parse_flood_config), and the JSON
// Schema the host validates them with before anything starts. Thread-safety: plain values.

#include <chaos/plugin.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "arrivals.h"
#include "flood_schema.h"
#include "rate_shape.h"
#include "target.h"

namespace chaos::load {

struct FloodConfig {
  enum class Model { kOpen, kClosed };
  Target target;
  Model model = Model::kOpen;
  RateShape shape;                               // open model
  ArrivalKind arrivals = ArrivalKind::kUniform;  // open model: how intended sends are spaced
  uint64_t seed = 0;    // the arrivals' draws; never 0 after parsing (0 draws a random one)
  int connections = 0;  // closed: the fixed number; open: the most it opens
  int threads = 2;
  std::string method = "GET";
  std::vector<std::string> paths;  // round-robin; the target's path when none given
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = true;
  int64_t connect_timeout_us = 2'000'000;
  int64_t request_timeout_us = 10'000'000;
  int64_t max_duration_us = 600'000'000;
  uint64_t max_requests = 0;  // 0: no limit
  uint64_t max_queue = 0;     // open model: sends waiting for a connection before dropping

  // The full request bytes for path number i.
  std::string request_for(const std::string& path) const;
};

// Hard cap on every load fault's duration, whatever max_duration says.
inline constexpr int64_t kHardMaxDurationUs = 3600LL * 1'000'000;

// Throws sdk::InvalidParams naming the field (including a target outside the allowlist).
// `host`: whose target allowlist decides where the flood may go (target.h).
FloodConfig parse_flood_config(const sdk::Params& params, const sdk::Host* host = nullptr);

}  // namespace chaos::load
