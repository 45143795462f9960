// Cache payloads for a scan over many messages (FETCH 1:*, SEARCH), read
// batch by batch: a run of consecutive msgnos is read from cyrus.cache with
// one sequential read (Mailbox::ReadCacheRun) instead of one pread each, and
// handed out as views into that one buffer (no copy, no allocation each).
// A batch holds at most kBatchMessages messages and kBatchBytes of
// cyrus.cache, so a scan of a huge mailbox stays in bounded memory.
//
// The next batch is read and checked (one pread, a CRC-32C per record) on a
// helper thread while the caller works on the current one: on a 100,000-
// message mailbox that is a third of FETCH 1:* ENVELOPE's or SEARCH HEADER's
// work, done beside the rest instead of before it, and from a cold cache it
// keeps the disk busy. One helper thread serves the whole scan (a thread
// per batch cost SEARCH HEADER a tenth of its time in clone and futures).
// The helper only calls const Mailbox reads (the mapped index, the view,
// files by descriptor), which the caller does not change during a scan.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailbox/mailbox.h"

namespace satrap::mailbox {

// The payloads of a run of consecutive messages (Mailbox::ReadCacheRun).
struct CacheRun {
  std::vector<std::string_view> payloads;  // one per msgno, first..last
  std::unique_ptr<char[]> bytes;           // the run's span of cyrus.cache
  std::deque<std::string> rebuilt;         // payloads of damaged records, rebuilt
};

class CacheBatches {
 public:
  static constexpr size_t kBatchMessages = 512;
  static constexpr uint64_t kBatchBytes = 2 * 1024 * 1024;

  // `msgnos` is the scan's order and must outlive this object.
  CacheBatches(const Mailbox& mb, const std::vector<uint32_t>& msgnos);
  ~CacheBatches();  // waits for the helper
  CacheBatches(const CacheBatches&) = delete;
  CacheBatches& operator=(const CacheBatches&) = delete;

  // msgnos[i]'s payload, valid until a Take() outside its batch; or nullopt
  // when the caller should load it itself (Mailbox::CachePayload): a message
  // alone in its run, or a batch that failed as a whole (a message expunged
  // meanwhile: loading it alone then reports just that one).
  std::optional<std::string_view> Take(size_t i);

 private:
  // Where the batch starting at msgnos[i] ends (one past its last).
  size_t BatchEnd(size_t i) const;
  void Load(size_t i);
  // Starts reading the batch that begins at msgnos[i] on the helper.
  void ReadAhead(size_t i);

  // Waits for the batch being read ahead; nullopt if it failed.
  std::optional<CacheRun> TakeAhead();

  class Helper;

  const Mailbox& mb_;
  const std::vector<uint32_t>& msgnos_;
  size_t batch_begin_ = 0;
  size_t batch_end_ = 0;
  CacheRun run_;
  // The batch being read ahead, if any: where it begins and ends.
  bool ahead_pending_ = false;
  size_t ahead_begin_ = 0;
  size_t ahead_end_ = 0;
  std::unique_ptr<Helper> helper_;  // started with the first read-ahead
};

}  // namespace satrap::mailbox
