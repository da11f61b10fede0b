#include "engine/event_loop.h"

namespace chaos::engine {

void EventLoop::post(Handler handler) {
  {
    std::lock_guard lock(mutex_);
    posted_.push_back(std::move(handler));
  }
  cv_.notify_one();
}

EventLoop::TimerId EventLoop::at(SteadyTime when, Handler handler) {
  const TimerId id = next_timer_++;
  timers_.emplace(std::make_pair(when, id), std::move(handler));
  return id;
}

void EventLoop::cancel(TimerId id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first.second == id) {
      timers_.erase(it);
      return;
    }
  }
}

bool EventLoop::run_one_due_timer() {
  if (timers_.empty() || timers_.begin()->first.first > clock_.now()) return false;
  Handler handler = std::move(timers_.begin()->second);
  timers_.erase(timers_.begin());
  handler();
  return true;
}

void EventLoop::drain() {
  for (;;) {
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      if (posted_.empty()) return;
      handler = std::move(posted_.front());
      posted_.pop_front();
    }
    handler();
  }
}

bool EventLoop::run_until(const std::function<bool()>& done, std::optional<SteadyTime> deadline) {
  while (!done()) {
    if (run_one_due_timer()) continue;
    Handler handler;
    {
      std::unique_lock lock(mutex_);
      if (posted_.empty()) {
        SteadyTime wake = SteadyTime::max();
        if (!timers_.empty()) wake = timers_.begin()->first.first;
        if (deadline && *deadline < wake) wake = *deadline;
        if (deadline && clock_.now() >= *deadline) return done();
        clock_.wait_until(cv_, lock, wake == SteadyTime::max()
                                         ? clock_.now() + std::chrono::hours(1)
                                         : wake);
        if (posted_.empty()) continue;
      }
      handler = std::move(posted_.front());
      posted_.pop_front();
    }
    handler();
  }
  return true;
}

}  // namespace chaos::engine
