// chaos/sdk/host.hpp — the host's callbacks (log, metric, event) for one fault instance.
#pragma once

#include <chaos/plugin.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chaos::sdk {

// Host: the callbacks the host offers one fault instance. Thread-safe (the host's callbacks
// are); every method is a no-op if the host's table is too old to have that callback, and a
// default-constructed Host (useful in unit tests) drops everything.

enum class LogLevel {
  kDebug = CHAOS_LOG_DEBUG,
  kInfo = CHAOS_LOG_INFO,
  kWarn = CHAOS_LOG_WARN,
  kError = CHAOS_LOG_ERROR
};

class Host {
 public:
  Host() = default;
  Host(const chaos_host_api* api, chaos_host_ctx* ctx) noexcept : api_(api), ctx_(ctx) {}

  void log(LogLevel level, std::string_view msg) const noexcept {
    if (has(offsetof(chaos_host_api, log), sizeof api_->log) && api_->log)
      api_->log(ctx_, static_cast<chaos_log_level>(level), msg.data(), msg.size());
  }
  void debug(std::string_view msg) const noexcept { log(LogLevel::kDebug, msg); }
  void info(std::string_view msg) const noexcept { log(LogLevel::kInfo, msg); }
  void warn(std::string_view msg) const noexcept { log(LogLevel::kWarn, msg); }
  void error(std::string_view msg) const noexcept { log(LogLevel::kError, msg); }

  // One sample; the host prefixes the series with the fault's name. unix_ms = 0 means now.
  void metric(std::string_view name, double value, int64_t unix_ms = 0) const noexcept {
    if (has(offsetof(chaos_host_api, metric), sizeof api_->metric) && api_->metric)
      api_->metric(ctx_, name.data(), name.size(), value, unix_ms);
  }
  // Whether the host allows traffic to `address` (a literal) reached as `host` (ABI 1.2):
  // nullopt when the host has no allowlist callback (keep to loopback then), "" when allowed,
  // otherwise the host's reason for refusing it.
  std::optional<std::string> check_target(std::string_view host, std::string_view address) const {
    if (!has_target_check()) return std::nullopt;
    std::string reason;
    chaos_writer writer{&reason, [](void* ctx, const char* data, size_t len) {
                          if (data && len) static_cast<std::string*>(ctx)->append(data, len);
                        }};
    const chaos_status st =
        api_->check_target(ctx_, host.data(), host.size(), address.data(), address.size(), &writer);
    if (st == CHAOS_OK) return std::string();
    return reason.empty() ? "'" + std::string(host) + "' is refused by the host's target allowlist"
                          : reason;
  }

  // Whether the host keeps a target allowlist (ABI 1.2 and later).
  bool has_target_check() const noexcept {
    return has(offsetof(chaos_host_api, check_target), sizeof api_->check_target) &&
           api_->check_target != nullptr;
  }

  // `detail_json` must be a JSON object.
  void event(std::string_view kind, std::string_view detail_json = "{}") const noexcept {
    if (has(offsetof(chaos_host_api, event), sizeof api_->event) && api_->event)
      api_->event(ctx_, kind.data(), kind.size(), detail_json.data(), detail_json.size());
  }

 private:
  // Whether the host's table (of the size it says) reaches the field at `offset`.
  bool has(size_t offset, size_t size) const noexcept {
    return api_ != nullptr && api_->struct_size >= offset + size;
  }

  const chaos_host_api* api_ = nullptr;
  chaos_host_ctx* ctx_ = nullptr;
};

}  // namespace chaos::sdk
