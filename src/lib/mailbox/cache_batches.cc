#include "mailbox/cache_batches.h"

#include <algorithm>

namespace satrap::mailbox {

std::optional<std::string> CacheBatches::Take(size_t i) {
  if (i < batch_begin_ || i >= batch_end_) Load(i);
  if (i - batch_begin_ >= payloads_.size()) return std::nullopt;
  return std::move(payloads_[i - batch_begin_]);
}

size_t CacheBatches::BatchEnd(size_t i) const {
  size_t end = i + 1;
  uint64_t low = UINT64_MAX, high = 0;
  for (size_t j = i; j < msgnos_.size() && j - i < kBatchMessages; ++j) {
    if (j > i && msgnos_[j] != msgnos_[j - 1] + 1) break;
    const IndexRecord& r = mb_.Record(msgnos_[j]);
    low = std::min(low, r.cache_offset);
    high = std::max(high, r.cache_offset + r.cache_length);
    if (j > i && high - low > kBatchBytes) break;
    end = j + 1;
  }
  return end;
}

void CacheBatches::Load(size_t i) {
  payloads_.clear();
  batch_begin_ = i;
  batch_end_ = BatchEnd(i);
  if (batch_end_ - batch_begin_ < 2) return;
  Result<std::vector<std::string>> loaded =
      mb_.CachePayloads(msgnos_[batch_begin_], msgnos_[batch_end_ - 1]);
  if (loaded.ok()) payloads_ = std::move(*loaded);
  // The next batch is asked for after this one was read, so that this
  // batch's own reads do not queue behind it.
  if (batch_end_ < msgnos_.size()) {
    const size_t next_end = BatchEnd(batch_end_);
    if (next_end - batch_end_ >= 2) {
      mb_.PrefetchCache(msgnos_[batch_end_], msgnos_[next_end - 1]);
    }
  }
}

}  // namespace satrap::mailbox
