#pragma once
// LiveHub: fan-out of live messages (server-sent events) from running experiments to every
// connected browser.
//
// Thread-safety: every method may be called from any thread; publish() calls the subscribers
// with hub_mutex_ held, so a subscriber must only queue the message (e.g. post it to its own
// connection's executor) and never call back into the hub.

#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace chaos::server {

class LiveHub {
 public:
  // `deliver` receives complete SSE frames ("event: X\ndata: {...}\n\n").
  using Subscriber = std::function<void(const std::string& frame)>;

  int subscribe(Subscriber deliver);
  void unsubscribe(int id);
  // `data_json` must be one line of JSON.
  void publish(const std::string& event, const std::string& data_json);
  size_t subscribers() const;

 private:
  mutable std::mutex hub_mutex_;
  std::map<int, Subscriber> subscribers_;  // guarded by hub_mutex_
  int next_id_ = 1;                        // guarded by hub_mutex_
};

}  // namespace chaos::server
