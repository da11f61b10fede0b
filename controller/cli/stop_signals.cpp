#include "cli/stop_signals.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace chaos::cli {

namespace {

sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
  return set;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

const char* stop_signal_name(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    case SIGQUIT:
      return "SIGQUIT";
    default:
      return "a signal";
  }
}

const char* stop_signal_reason(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT (Ctrl-C) from the operator";
    case SIGTERM:
      return "SIGTERM from the operator or the system";
    case SIGHUP:
      return "SIGHUP (the terminal or ssh session was closed)";
    case SIGQUIT:
      return "SIGQUIT (Ctrl-\\) from the operator";
    default:
      return "a stop signal";
  }
}

int wait_for_stop_signal() {
  const sigset_t set = stop_signal_set();
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

StopSignalWatcher::StopSignalWatcher(std::function<void(int sig)> on_signal) {
  thread_ = std::thread([this, on_signal = std::move(on_signal)] {
    const sigset_t set = stop_signal_set();
    // Polls so the destructor can end the thread without sending it a signal.
    const timespec poll{0, 100 * 1000 * 1000};
    while (!done_) {
      const int sig = sigtimedwait(&set, nullptr, &poll);
      if (sig > 0) on_signal(sig);
    }
  });
}

StopSignalWatcher::~StopSignalWatcher() {
  done_ = true;
  thread_.join();
}

}  // namespace chaos::cli
