#pragma once
// Status and Result<T>: errors as values (see STYLE.md rule 6). A Status is cheap to pass and
// carries a code and a message written for the operator; Result<T> is a value or a Status.
// Thread-safety: plain values, no shared state.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace chaos {

class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kInvalidArgument, kNotFound, kIoError, kFailed, kAborted };

  Status() = default;
  static Status ok() { return Status(); }
  static Status invalid_argument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status not_found(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status io_error(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status failed(std::string msg) { return {Code::kFailed, std::move(msg)}; }
  static Status aborted(std::string msg) { return {Code::kAborted, std::move(msg)}; }

  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message", for adding where an error happened.
  Status with_context(const std::string& context) const {
    return is_ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool is_ok() const { return value_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: is_ok()
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  // By value, so `for (auto& x : make_result().value())` does not dangle.
  T value() && { return std::move(*value_); }
  T value_or(T fallback) const { return value_ ? *value_ : std::move(fallback); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace chaos
