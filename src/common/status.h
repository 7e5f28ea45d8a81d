// status.h — explicit success/failure for operations that can fail on the environment.
//
// Data-loss paths (writing, renaming, the manifest) return a Status or Result<T> that the caller
// must look at ([[nodiscard]]). A failure carries a one-line message that already names what
// failed (operation and path) and, when the cause was a system call, its errno, so the CLI can
// print it unchanged and tests can check the errno (ENOSPC is handled differently from EACCES).
//
// Thread safety: value types; no shared state.
#pragma once

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sscan {

class [[nodiscard]] Status {
 public:
  Status() = default;  // success

  static Status Ok() { return {}; }
  static Status Error(std::string message, int error_number = 0) {
    Status s;
    s.failed_ = true;
    s.errno_ = error_number;
    s.message_ = std::move(message);
    return s;
  }
  // "<what> <path>: <strerror(err)>", the shape every I/O failure message takes.
  static Status FromErrno(std::string_view what, std::string_view path, int err) {
    std::string m(what);
    if (!path.empty()) {
      m += ' ';
      m += path;
    }
    m += ": ";
    m += std::strerror(err);
    return Error(std::move(m), err);
  }

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  int error_number() const { return errno_; }
  const std::string& message() const { return message_; }

 private:
  bool failed_ = false;
  int errno_ = 0;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace sscan
