// LockWatchdog: expires timed-out lock waits of this process (see
// bdb_internal.h for why BDB needs the nudge).
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>

#include <algorithm>
#include <chrono>

#include "db/bdb_internal.h"
#include "log/log.h"

namespace satrap::db::internal {
namespace {

// Run() waits on a condition variable and, rarely, runs BDB's lock
// detector: 256 KB is ample.
constexpr size_t kStackSize = 256 * 1024;

int64_t NowMs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

}  // namespace

LockWatchdog::LockWatchdog(std::function<Result<DB_ENV*>()> open_handle, int lock_timeout_ms)
    : open_handle_(std::move(open_handle)), timeout_ms_(std::max(lock_timeout_ms, 1)) {}

LockWatchdog::~LockWatchdog() { Park(); }

void LockWatchdog::Start() {
  stop_ = false;
  stack_ = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                  -1, 0);
  pthread_attr_t attr;
  bool started = stack_ != MAP_FAILED && pthread_attr_init(&attr) == 0;
  if (started) {
    started = pthread_attr_setstack(&attr, stack_, kStackSize) == 0 &&
              pthread_create(&thread_, &attr, &LockWatchdog::Main, this) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!started) {
    log::Warning("berkeley db: lock watchdog: cannot start its thread");
    if (stack_ != MAP_FAILED) ::munmap(stack_, kStackSize);
    stack_ = nullptr;
    return;
  }
  running_ = true;
}

void* LockWatchdog::Main(void* self) {
  static_cast<LockWatchdog*>(self)->Run();
  return nullptr;
}

void LockWatchdog::Park() {
  if (!running_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  pthread_join(thread_, nullptr);
  ::munmap(stack_, kStackSize);
  stack_ = nullptr;
  running_ = false;
  if (env_ == nullptr) return;
  int ret = env_->close(env_, 0);
  if (ret != 0) log::Warning("berkeley db: close watchdog handle: %s", db_strerror(ret));
  env_ = nullptr;
}

void LockWatchdog::Enter() {
  if (!running_) Start();
  call_started_ms_.store(NowMs(), std::memory_order_relaxed);
}

void LockWatchdog::Leave() { call_started_ms_.store(0, std::memory_order_relaxed); }

void LockWatchdog::Run() {
  // Wake a few times per timeout so a wait ends soon after it expires.
  const auto period = std::chrono::milliseconds(std::clamp<int64_t>(timeout_ms_ / 4, 10, 1000));
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
    int64_t started = call_started_ms_.load(std::memory_order_relaxed);
    if (started == 0 || NowMs() - started < timeout_ms_) continue;
    // The handle is opened only now: in the normal case never.
    if (env_ == nullptr) {
      Result<DB_ENV*> env = open_handle_();
      if (!env.ok()) {
        log::Warning("berkeley db: lock watchdog: %s", env.status().ToString().c_str());
        continue;
      }
      env_ = *env;
    }
    int rejected = 0;
    int ret = env_->lock_detect(env_, 0, DB_LOCK_EXPIRE, &rejected);
    if (ret != 0) log::Warning("berkeley db: expiring lock waits: %s", db_strerror(ret));
  }
}

}  // namespace satrap::db::internal
