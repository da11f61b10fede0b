#pragma once
// Every default of the experiment API, in one place. The Lua prelude leaves a field it was not
// given empty and the engine fills it from here; a probe kind's own defaults are its config
// struct's (probes/*.h), which the kind (engine/probe_kinds.cpp) starts from.

#include <chrono>
#include <cstddef>

namespace chaos::engine::defaults {

using namespace std::chrono_literals;

// Probes (every kind): how often, how many samples make a window, guardrails' sliding window.
inline constexpr std::chrono::microseconds kProbeEvery = 250ms;
// The shortest `every` (engine/probe_factory.cpp checks it for every kind): a probe sampled
// back to back (every = "0s") would only load the system it watches and the controller.
inline constexpr std::chrono::microseconds kMinProbeEvery = 10ms;
inline constexpr size_t kMinSamples = 10;
inline constexpr size_t kGuardrailMinSamples = 3;  // a guardrail acts on a short window
inline constexpr std::chrono::microseconds kGuardrailWindow = 2s;

// The run: waiting for enough baseline samples, for the steady state to come back, and for
// the experiment's rollbacks function to finish.
inline constexpr std::chrono::microseconds kBaselineTimeout = 30s;
// The baseline's warm-up (samples stored, not judged) and its shortest judged length. With
// min_samples 10, a 100 ms probe gets a 2 s baseline of 20 samples and a 1 s probe one of
// 10 s: neither is judged on under 2 s or under 10 samples. No warm-up by default: what needs
// one (a PromQL rate over [5s]) knows how long. A default min longer than the timeout less
// the warm-up is cut to fit; one the experiment gives is checked instead.
inline constexpr std::chrono::microseconds kBaselineWarmup = 0s;
inline constexpr std::chrono::microseconds kBaselineMin = 2s;
inline constexpr std::chrono::microseconds kRecoveryWithin = 30s;
inline constexpr std::chrono::microseconds kRollbacksWithin = 10s;

}  // namespace chaos::engine::defaults
