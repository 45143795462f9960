#include "backoff.h"

#include <algorithm>

namespace satrap::master {

std::chrono::milliseconds Backoff::FailedStart(Clock::time_point now) {
  std::chrono::milliseconds delay = next_delay_;
  throttled_until_ = now + delay;
  next_delay_ = std::min(next_delay_ * 2, kMaxDelay);
  return delay;
}

bool Backoff::MayFork(Clock::time_point now, int max_per_second) {
  if (max_per_second <= 0) return true;
  if (now >= fork_window_end()) return true;  // a new window starts at the next fork
  return forks_in_window_ < max_per_second;
}

void Backoff::Forked(Clock::time_point now) {
  if (now >= fork_window_end()) {
    window_start_ = now;
    forks_in_window_ = 0;
  }
  ++forks_in_window_;
}

}  // namespace satrap::master
