// Cache payloads for a scan over many messages (FETCH 1:*, SEARCH), read
// batch by batch: a run of consecutive msgnos is read from cyrus.cache with
// one sequential read (Mailbox::CachePayloads) instead of one pread each.
// A batch holds at most kBatchMessages messages and kBatchBytes of
// cyrus.cache, so a scan of a huge mailbox stays in bounded memory; the next
// batch is read ahead while one is worked on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailbox/mailbox.h"

namespace satrap::mailbox {

class CacheBatches {
 public:
  static constexpr size_t kBatchMessages = 512;
  static constexpr uint64_t kBatchBytes = 2 * 1024 * 1024;

  // `msgnos` is the scan's order and must outlive this object.
  CacheBatches(const Mailbox& mb, const std::vector<uint32_t>& msgnos)
      : mb_(mb), msgnos_(msgnos) {}

  // msgnos[i]'s payload, or nullopt when the caller should load it itself
  // (Mailbox::CachePayload): a message alone in its run, or a batch that
  // failed as a whole (a message expunged meanwhile: loading it alone then
  // reports just that one).
  std::optional<std::string> Take(size_t i);

 private:
  // Where the batch starting at msgnos[i] ends (one past its last).
  size_t BatchEnd(size_t i) const;
  void Load(size_t i);

  const Mailbox& mb_;
  const std::vector<uint32_t>& msgnos_;
  size_t batch_begin_ = 0;
  size_t batch_end_ = 0;
  std::vector<std::string> payloads_;
};

}  // namespace satrap::mailbox
