#include "notify/webhook_queue.h"

#include "notify/webhook.h"

namespace chaos::notify {

WebhookQueue::WebhookQueue(Reporter reporter, std::chrono::milliseconds timeout)
    : reporter_(std::move(reporter)), timeout_(timeout) {
  thread_ = std::thread([this] { loop(); });
}

WebhookQueue::~WebhookQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    drain_deadline_ = std::chrono::steady_clock::now() + 2 * timeout_;
  }
  changed_.notify_all();
  thread_.join();
}

void WebhookQueue::post(std::string url, std::string json_body) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back({std::move(url), std::move(json_body)});
  }
  changed_.notify_all();
}

bool WebhookQueue::wait_idle(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return queue_.empty() && !busy_; });
}

void WebhookQueue::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Item item = std::move(queue_.front());
    queue_.pop_front();
    const bool too_late = stopping_ && std::chrono::steady_clock::now() > drain_deadline_;
    busy_ = true;
    lock.unlock();
    const Status result =
        too_late ? Status::aborted("webhook " + redact_url(item.url) +
                                   ": not sent, the server stopped before its turn came")
                 : post_json(item.url, item.body, timeout_);
    if (reporter_) reporter_(item.url, result);
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace chaos::notify
