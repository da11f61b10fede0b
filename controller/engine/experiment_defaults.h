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
inline constexpr std::chrono::microseconds kRecoveryWithin = 30s;
inline constexpr std::chrono::microseconds kRollbacksWithin = 10s;

}  // namespace chaos::engine::defaults
