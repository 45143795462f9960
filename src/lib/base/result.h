// Result<T>: a value or a non-OK Status (GCC 12 has no std::expected).
//
//   Result<Config> config = Config::Load(path);
//   if (!config.ok()) return config.status();
//   Use(*config);
//
// or, inside a function that itself returns Status or Result<U>:
//   SATRAP_ASSIGN_OR_RETURN(Config config, Config::Load(path));
#pragma once

#include <optional>
#include <utility>

#include "base/check.h"
#include "base/status.h"

namespace satrap {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return Status::NotFound(..);`
  // both read naturally in a function returning Result<T>.
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    CHECK(!status_.ok()) << "Result constructed from an OK status";
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  Code code() const { return status_.code(); }

  T& value() & {
    CHECK(ok()) << status_.ToString();
    return *value_;
  }
  const T& value() const& {
    CHECK(ok()) << status_.ToString();
    return *value_;
  }
  T&& value() && {
    CHECK(ok()) << status_.ToString();
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  Status status_;
};

#define SATRAP_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

// Evaluates `expr` (a Result<T>); on failure returns its Status from the
// enclosing function, otherwise moves the value into `lhs` (a declaration or an
// lvalue).
#define SATRAP_ASSIGN_OR_RETURN(lhs, expr) \
  SATRAP_ASSIGN_OR_RETURN_IMPL_(SATRAP_CONCAT_(satrap_result_, __LINE__), lhs, expr)

}  // namespace satrap
