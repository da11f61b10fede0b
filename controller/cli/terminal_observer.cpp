#include "cli/terminal_observer.h"

#include <cmath>

namespace chaos::cli {

namespace {

const char* kRed = "31";
const char* kGreen = "32";
const char* kYellow = "33";
const char* kBold = "1";
const char* kDim = "2";

std::string number(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 ? "%.0f" : "%.3g", v);
  return buf;
}

}  // namespace

std::string TerminalObserver::paint(const std::string& text, const char* code) const {
  return color_ ? "\033[" + std::string(code) + "m" + text + "\033[0m" : text;
}

std::string TerminalObserver::results_text(
    const std::vector<hypothesis::CheckResult>& results) const {
  std::string text;
  for (const auto& r : results) {
    const char* mark = r.outcome == hypothesis::Outcome::kOk       ? "ok"
                       : r.outcome == hypothesis::Outcome::kFailed ? "FAILED"
                       : r.outcome == hypothesis::Outcome::kError  ? "PROBE ERROR"
                                                                   : "inconclusive";
    const char* color = r.outcome == hypothesis::Outcome::kOk ? kGreen
                        : r.outcome == hypothesis::Outcome::kFailed ? kRed
                                                                    : kYellow;
    text += "  " + r.aggregate + " " + number(r.value) + " (" + r.expectation + ") " +
            paint(mark, color) + (r.note.empty() ? "" : " — " + r.note);
  }
  return text;
}

void TerminalObserver::on_event(const journal::JournalEvent& event, double seconds) {
  using journal::EventKind;
  if (event.kind == EventKind::kVerdict) return;  // on_verdict prints it
  std::string message = event.message;
  const char* color = nullptr;
  switch (event.kind) {
    case EventKind::kPhase: message = paint("── " + event.message, kBold); break;
    case EventKind::kError:
    case EventKind::kFaultStartFailed:
    case EventKind::kFaultStopFailed:
    case EventKind::kAbort: color = kRed; break;
    case EventKind::kFaultStart:
    case EventKind::kFaultUpdate: color = kYellow; break;
    case EventKind::kRecovered:
    case EventKind::kFaultStop: color = kGreen; break;
    default: break;
  }
  std::fprintf(out_, "%7.1fs  %-10s  %s\n", seconds, journal::phase_name(event.phase),
               color ? paint(message, color).c_str() : message.c_str());
  std::fflush(out_);
}

void TerminalObserver::on_check(const std::string& probe, const std::string& phase,
                                const std::vector<hypothesis::CheckResult>& results,
                                double seconds) {
  const size_t samples = results.empty() ? 0 : results.front().samples;
  std::fprintf(out_, "%7.1fs  %-10s  %s:%s  [%zu samples]\n", seconds, phase.c_str(),
               paint(probe, kBold).c_str(), results_text(results).c_str(), samples);
  std::fflush(out_);
}

void TerminalObserver::on_live(const std::string& probe,
                               const std::vector<hypothesis::CheckResult>& recent,
                               double seconds) {
  std::fprintf(out_, "%7.1fs  %-10s  %s %s%s\n", seconds, "injecting", paint("~", kDim).c_str(),
               probe.c_str(), results_text(recent).c_str());
  std::fflush(out_);
}

void TerminalObserver::on_verdict(const engine::RunOutcome& outcome) {
  const bool good = outcome.verdict == engine::Verdict::kPassed;
  std::fprintf(out_, "\nverdict: %s — %s\nrun %lld is stored; see it with: chaosctl show %lld\n",
               paint(engine::verdict_name(outcome.verdict), good ? kGreen : kRed).c_str(),
               outcome.reason.c_str(), static_cast<long long>(outcome.run_id),
               static_cast<long long>(outcome.run_id));
  std::fflush(out_);
}

}  // namespace chaos::cli
