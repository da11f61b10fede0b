#include "scheduler/scheduler.h"

#include <algorithm>
#include <climits>

namespace chaos::scheduler {

Scheduler::Scheduler(std::vector<Schedule> schedules, Clock& clock, Starter starter,
                     Reporter reporter)
    : clock_(clock), starter_(std::move(starter)), reporter_(std::move(reporter)) {
  const int64_t now = clock_.unix_ms();
  for (auto& schedule : schedules) {
    Entry entry{std::move(schedule), {}};
    entry.status.expression = entry.schedule.cron.expression();
    entry.status.time_zone = entry.schedule.cron.time_zone().name();
    entry.status.experiment = entry.schedule.experiment;
    entry.status.options = entry.schedule.options;
    entry.status.next_unix_ms = entry.schedule.cron.next_after(now).value_or(0);
    entries_.push_back(std::move(entry));
  }
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t Scheduler::next_due() const {
  int64_t next = INT64_MAX;
  for (const Entry& e : entries_) {
    if (e.status.next_unix_ms != 0) next = std::min(next, e.status.next_unix_ms);
  }
  return next;
}

int Scheduler::fire_due(int64_t now_unix_ms) {
  std::vector<size_t> due;
  {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < entries_.size(); ++i) {
      ScheduleStatus& s = entries_[i].status;
      if (s.next_unix_ms == 0 || s.next_unix_ms > now_unix_ms) continue;
      s.last_fired_unix_ms = now_unix_ms;
      // The next firing counts from now: a late wake-up fires once, not once per missed time.
      s.next_unix_ms = entries_[i].schedule.cron.next_after(now_unix_ms).value_or(0);
      due.push_back(i);
    }
  }
  // Starting a run validates the experiment and waits for its first journal entry: done
  // outside the lock, so status() stays quick.
  for (size_t i : due) {
    auto id = starter_(entries_[i].schedule);
    ScheduleStatus snapshot;
    {
      std::lock_guard lock(mutex_);
      ScheduleStatus& s = entries_[i].status;
      if (id) {
        s.last_run_id = id.value();
        s.last_skip_reason.clear();
        ++s.runs_started;
      } else {
        s.last_run_id = 0;
        s.last_skip_reason = id.status().message();
        ++s.firings_skipped;
      }
      snapshot = s;
    }
    if (reporter_) reporter_(snapshot);
  }
  return static_cast<int>(due.size());
}

std::vector<ScheduleStatus> Scheduler::status() const {
  std::lock_guard lock(mutex_);
  std::vector<ScheduleStatus> out;
  for (const Entry& e : entries_) out.push_back(e.status);
  return out;
}

void Scheduler::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const int64_t now = clock_.unix_ms();
    const int64_t next = next_due();
    if (next <= now) {
      lock.unlock();
      fire_due(now);
      lock.lock();
      continue;
    }
    // Wall time can jump (NTP, a suspended VM): wake at least once a minute to look again.
    const int64_t wait_ms = std::min<int64_t>(next - now, 60000);
    clock_.wait_until(wake_, lock, clock_.now() + std::chrono::milliseconds(wait_ms));
  }
}

}  // namespace chaos::scheduler
