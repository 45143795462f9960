// Spawn throttling for one service: a doubling delay after children that die
// before serving anything (Postfix master_throttle, Dovecot service-monitor's
// throttle_msecs *= 2), and the maxforkrate cap (forks per second).
//
// Pure: time is passed in, so the logic is unit-tested without sleeping.
#pragma once

#include <chrono>

namespace satrap::master {

using Clock = std::chrono::steady_clock;

class Backoff {
 public:
  static constexpr std::chrono::milliseconds kInitialDelay{1000};
  static constexpr std::chrono::milliseconds kMaxDelay{60000};
  // A child that exits abnormally this soon after its spawn, without having
  // taken a connection, counts as a failed start.
  static constexpr std::chrono::milliseconds kEarlyDeath{5000};

  // Whether a death counts as a failed start.
  static bool IsEarlyDeath(bool abnormal, bool served, Clock::duration lifetime) {
    return abnormal && !served && lifetime < kEarlyDeath;
  }

  // A failed start: no spawning until now + delay, and the next delay doubles
  // (up to kMaxDelay). Returns the delay applied.
  std::chrono::milliseconds FailedStart(Clock::time_point now);
  // A child took a connection: the command works, forget past failures.
  void Served() { next_delay_ = kInitialDelay; }
  // After a database recovery the failures it explains are forgotten, and
  // the service may start at once.
  void Reset() {
    next_delay_ = kInitialDelay;
    throttled_until_ = Clock::time_point{};
  }

  bool Throttled(Clock::time_point now) const { return now < throttled_until_; }
  Clock::time_point throttled_until() const { return throttled_until_; }

  // maxforkrate: at most `max_per_second` forks in any one-second window
  // (0 is unlimited). Call MayFork before and Forked after each fork.
  bool MayFork(Clock::time_point now, int max_per_second);
  void Forked(Clock::time_point now);
  // When the current fork window ends.
  Clock::time_point fork_window_end() const { return window_start_ + std::chrono::seconds(1); }

 private:
  std::chrono::milliseconds next_delay_ = kInitialDelay;
  Clock::time_point throttled_until_{};
  Clock::time_point window_start_{};
  int forks_in_window_ = 0;
};

}  // namespace satrap::master
