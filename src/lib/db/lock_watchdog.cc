// LockWatchdog: expires timed-out lock waits of this process (see
// bdb_internal.h for why BDB needs the nudge).
#include <time.h>

#include <algorithm>
#include <chrono>

#include "db/bdb_internal.h"
#include "log/log.h"

namespace satrap::db::internal {
namespace {

int64_t NowMs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

}  // namespace

LockWatchdog::LockWatchdog(DB_ENV* env, int lock_timeout_ms)
    : env_(env), timeout_ms_(std::max(lock_timeout_ms, 1)), thread_([this] { Run(); }) {}

LockWatchdog::~LockWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  int ret = env_->close(env_, 0);
  if (ret != 0) log::Warning("berkeley db: close watchdog handle: %s", db_strerror(ret));
}

void LockWatchdog::Enter() { call_started_ms_.store(NowMs(), std::memory_order_relaxed); }

void LockWatchdog::Leave() { call_started_ms_.store(0, std::memory_order_relaxed); }

void LockWatchdog::Run() {
  // Wake a few times per timeout so a wait ends soon after it expires.
  const auto period = std::chrono::milliseconds(std::clamp<int64_t>(timeout_ms_ / 4, 10, 1000));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
    int64_t started = call_started_ms_.load(std::memory_order_relaxed);
    if (started == 0 || NowMs() - started < timeout_ms_) continue;
    int rejected = 0;
    int ret = env_->lock_detect(env_, 0, DB_LOCK_EXPIRE, &rejected);
    if (ret != 0) log::Warning("berkeley db: expiring lock waits: %s", db_strerror(ret));
  }
}

}  // namespace satrap::db::internal
