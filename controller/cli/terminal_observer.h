#pragma once
// TerminalObserver: prints a run as it happens — each phase, fault starts and stops, probe
// values against their tolerances, and the verdict — for the operator watching the terminal.

#include <cstdio>

#include "engine/run_observer.h"

namespace chaos::cli {

class TerminalObserver final : public engine::RunObserver {
 public:
  TerminalObserver(std::FILE* out, bool color) : out_(out), color_(color) {}
  void on_event(const journal::JournalEvent& event, double seconds) override;
  void on_check(const std::string& probe, const std::string& phase,
                const std::vector<hypothesis::CheckResult>& results, double seconds) override;
  void on_live(const std::string& probe, const std::vector<hypothesis::CheckResult>& recent,
               double seconds) override;
  void on_verdict(const engine::RunOutcome& outcome) override;

 private:
  std::string paint(const std::string& text, const char* code) const;
  std::string results_text(const std::vector<hypothesis::CheckResult>& results) const;
  std::FILE* out_;
  bool color_;
};

}  // namespace chaos::cli
