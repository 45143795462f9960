// CHECK(): invariants. A failed CHECK is a bug, never bad input: it prints the
// condition and location (and anything streamed into it) to stderr and syslog,
// then aborts so that a core dump is left behind (Postfix msg_panic).
//
//   CHECK(fd >= 0) << "listener not open";
//
// Untrusted input and environment failures are never CHECKed: they return a
// Status (base/status.h).
#pragma once

#include <sstream>

namespace satrap::internal {

class CheckFailure {
 public:
  CheckFailure(const char* condition, const char* file, int line);
  [[noreturn]] ~CheckFailure();
  template <typename T>
  CheckFailure& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  std::ostringstream stream_;
};

// Lets `CHECK(x) << ...` be an expression of type void in both branches.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace satrap::internal

#define CHECK(condition)                 \
  (condition) ? (void)0                  \
              : ::satrap::internal::Voidify() & \
                    ::satrap::internal::CheckFailure(#condition, __FILE__, __LINE__)

// Unconditional: for states the code has proved impossible.
#define PANIC() CHECK(false)
