#pragma once
// WebhookQueue: posts webhooks (webhook.h) in order on a thread of its own, so a slow or dead
// endpoint never holds up a schedule, a run or the server's I/O thread. Nothing is retried: a
// failure is reported once, with the reason.
//
// Thread-safety: post() and wait_idle() from any thread. The reporter runs on the queue's
// thread. The destructor stops taking posts and delivers what is queued, for at most twice the
// per-request timeout in all; what is left then is dropped and reported as such.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

namespace chaos::notify {

class WebhookQueue {
 public:
  // Called after each post with its URL and result (OK, or why it failed).
  using Reporter = std::function<void(const std::string& url, const Status& result)>;

  explicit WebhookQueue(Reporter reporter = nullptr,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~WebhookQueue();
  WebhookQueue(const WebhookQueue&) = delete;
  WebhookQueue& operator=(const WebhookQueue&) = delete;

  // Queues one POST of `json_body` to `url`; returns at once.
  void post(std::string url, std::string json_body);
  // Waits until everything posted so far has been sent or has failed; false if `limit` passed.
  bool wait_idle(std::chrono::milliseconds limit);

 private:
  struct Item {
    std::string url;
    std::string body;
  };
  void loop();

  const Reporter reporter_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable changed_;  // with mutex_: an item queued, one done, or stopping
  std::deque<Item> queue_;           // guarded by mutex_
  bool busy_ = false;                // guarded by mutex_: a post is in flight
  bool stopping_ = false;            // guarded by mutex_
  std::chrono::steady_clock::time_point drain_deadline_{};  // guarded by mutex_
  std::thread thread_;
};

}  // namespace chaos::notify
