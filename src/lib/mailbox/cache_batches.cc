#include "mailbox/cache_batches.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace satrap::mailbox {

std::optional<std::string_view> CacheBatches::Take(size_t i) {
  if (i < batch_begin_ || i >= batch_end_) Load(i);
  if (i - batch_begin_ >= run_.payloads.size()) return std::nullopt;
  return run_.payloads[i - batch_begin_];
}

size_t CacheBatches::BatchEnd(size_t i) const {
  size_t end = i + 1;
  uint64_t low = UINT64_MAX, high = 0;
  for (size_t j = i; j < msgnos_.size() && j - i < kBatchMessages; ++j) {
    if (j > i && msgnos_[j] != msgnos_[j - 1] + 1) break;
    const auto [offset, length] = mb_.CacheLocation(msgnos_[j]);
    low = std::min(low, offset);
    high = std::max(high, offset + length);
    if (j > i && high - low > kBatchBytes) break;
    end = j + 1;
  }
  return end;
}

// Reads one run at a time on its own thread. Without a thread (none could
// be started) the run is read by the caller when it asks for the result.
class CacheBatches::Helper {
 public:
  explicit Helper(const Mailbox& mb) : mb_(mb) {
    try {
      thread_ = std::thread([this] { Loop(); });
    } catch (const std::system_error&) {
      // Reads happen in Get() instead.
    }
  }
  ~Helper() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Starts reading first..last; the previous result must have been taken.
  void Start(uint32_t first, uint32_t last) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      first_ = first;
      last_ = last;
      state_ = State::kQueued;
    }
    cv_.notify_all();
  }

  std::optional<CacheRun> Get() {
    std::unique_lock<std::mutex> lock(mu_);
    if (!thread_.joinable() && state_ == State::kQueued) {
      lock.unlock();
      std::optional<CacheRun> run = Read(first_, last_);
      lock.lock();
      state_ = State::kIdle;
      return run;
    }
    cv_.wait(lock, [this] { return state_ == State::kDone; });
    state_ = State::kIdle;
    return std::move(result_);
  }

 private:
  enum class State { kIdle, kQueued, kDone };

  std::optional<CacheRun> Read(uint32_t first, uint32_t last) const {
    CacheRun run;
    if (!mb_.ReadCacheRun(first, last, &run).ok()) return std::nullopt;
    return run;
  }

  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return quit_ || state_ == State::kQueued; });
      if (quit_) return;
      const uint32_t first = first_, last = last_;
      lock.unlock();
      std::optional<CacheRun> run = Read(first, last);
      lock.lock();
      result_ = std::move(run);
      state_ = State::kDone;
      cv_.notify_all();
    }
  }

  const Mailbox& mb_;
  std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kIdle;
  bool quit_ = false;
  uint32_t first_ = 0, last_ = 0;
  std::optional<CacheRun> result_;
  std::thread thread_;  // last: started once the rest is set up
};

CacheBatches::CacheBatches(const Mailbox& mb, const std::vector<uint32_t>& msgnos)
    : mb_(mb), msgnos_(msgnos) {}

CacheBatches::~CacheBatches() {
  // The helper's read must end before `run_`'s owner (the caller) goes.
  if (ahead_pending_) (void)TakeAhead();
}

std::optional<CacheRun> CacheBatches::TakeAhead() {
  ahead_pending_ = false;
  return helper_->Get();
}

void CacheBatches::ReadAhead(size_t i) {
  ahead_begin_ = i;
  ahead_end_ = BatchEnd(i);
  if (ahead_end_ - ahead_begin_ < 2) return;
  const uint32_t first = msgnos_[ahead_begin_];
  const uint32_t last = msgnos_[ahead_end_ - 1];
  // From a cold cache one read at a time leaves the disk idle between
  // them: the batch after this one is asked for as well.
  if (ahead_end_ < msgnos_.size()) {
    const size_t after_end = BatchEnd(ahead_end_);
    if (after_end - ahead_end_ >= 2) mb_.PrefetchCache(msgnos_[ahead_end_], msgnos_[after_end - 1]);
  }
  if (!helper_) helper_ = std::make_unique<Helper>(mb_);
  helper_->Start(first, last);
  ahead_pending_ = true;
}

void CacheBatches::Load(size_t i) {
  run_.payloads.clear();
  batch_begin_ = i;
  if (ahead_pending_ && ahead_begin_ == i) {
    batch_end_ = ahead_end_;
    if (std::optional<CacheRun> run = TakeAhead()) run_ = std::move(*run);
  } else {
    if (ahead_pending_) (void)TakeAhead();  // a batch the scan skipped
    batch_end_ = BatchEnd(i);
    if (batch_end_ - batch_begin_ < 2) return;
    if (!mb_.ReadCacheRun(msgnos_[batch_begin_], msgnos_[batch_end_ - 1], &run_).ok()) {
      run_.payloads.clear();
    }
  }
  if (batch_end_ < msgnos_.size()) ReadAhead(batch_end_);
}

}  // namespace satrap::mailbox
