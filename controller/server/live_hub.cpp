#include "server/live_hub.h"

namespace chaos::server {

int LiveHub::subscribe(Subscriber deliver) {
  std::lock_guard lock(hub_mutex_);
  const int id = next_id_++;
  subscribers_.emplace(id, std::move(deliver));
  return id;
}

void LiveHub::unsubscribe(int id) {
  std::lock_guard lock(hub_mutex_);
  subscribers_.erase(id);
}

void LiveHub::publish(const std::string& event, const std::string& data_json) {
  const std::string frame = "event: " + event + "\ndata: " + data_json + "\n\n";
  std::lock_guard lock(hub_mutex_);
  for (auto& [id, deliver] : subscribers_) deliver(frame);
}

size_t LiveHub::subscribers() const {
  std::lock_guard lock(hub_mutex_);
  return subscribers_.size();
}

}  // namespace chaos::server
