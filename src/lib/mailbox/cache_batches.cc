#include "mailbox/cache_batches.h"

#include <algorithm>

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

CacheBatches::~CacheBatches() {
  if (ahead_.valid()) ahead_.wait();
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
  // With both policies the library falls back to running it in get() when
  // no thread can be had.
  ahead_ = std::async(std::launch::async | std::launch::deferred,
                      [this, first, last]() -> std::optional<CacheRun> {
                        CacheRun run;
                        if (!mb_.ReadCacheRun(first, last, &run).ok()) return std::nullopt;
                        return run;
                      });
}

void CacheBatches::Load(size_t i) {
  run_.payloads.clear();
  batch_begin_ = i;
  if (ahead_.valid() && ahead_begin_ == i) {
    batch_end_ = ahead_end_;
    if (std::optional<CacheRun> run = ahead_.get()) run_ = std::move(*run);
  } else {
    if (ahead_.valid()) ahead_.wait();  // a batch the scan skipped
    ahead_ = {};
    batch_end_ = BatchEnd(i);
    if (batch_end_ - batch_begin_ < 2) return;
    if (!mb_.ReadCacheRun(msgnos_[batch_begin_], msgnos_[batch_end_ - 1], &run_).ok()) {
      run_.payloads.clear();
    }
  }
  if (batch_end_ < msgnos_.size()) ReadAhead(batch_end_);
}

}  // namespace satrap::mailbox
