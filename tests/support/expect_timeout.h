#pragma once
// One check shared by the probe tests: sampling a dependency that never answers gives up as a
// timeout, after about the configured timeout (a hang guard bounds it from above).

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace chaos::test {

// `probe` has sample(Clock&) returning a ProbeSample (ok, error), as every probe kind does.
template <typename Probe, typename Clock>
void expect_sample_times_out(Probe& probe, Clock& clock, std::chrono::milliseconds timeout) {
  const auto started = std::chrono::steady_clock::now();
  const auto s = probe.sample(clock);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.error.find("timed out"), std::string::npos) << s.error;
  EXPECT_GE(took, timeout * 5 / 6);
  EXPECT_LT(took, timeout + std::chrono::seconds(3));
}

}  // namespace chaos::test
