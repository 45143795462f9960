// Read-ahead for scans that open every message file (SEARCH BODY/TEXT).
//
// On a cold mailbox such a scan waits on the disk for each file in turn: an
// inode, then the data, one request at a time. A few threads opening the
// files a little ahead of the scan and asking the kernel to read them
// (posix_fadvise WILLNEED) keep several requests in flight, so the scan
// finds its files in the page cache. They only warm the cache: the scan
// reads the files itself, so what it sees does not depend on them, and a
// file expunged meanwhile is simply skipped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "mailbox/mailbox.h"

namespace satrap::mailbox {

class MessageReadAhead {
 public:
  // Scans shorter than this read their few files without helpers.
  static constexpr size_t kMinMessages = 64;
  static constexpr int kThreads = 4;
  // How far ahead of the scan the helpers go, in messages.
  static constexpr size_t kWindow = 256;

  // `msgnos` is the scan's order.
  MessageReadAhead(const Mailbox& mb, const std::vector<uint32_t>& msgnos);
  ~MessageReadAhead();  // stops the helpers and waits for them

  MessageReadAhead(const MessageReadAhead&) = delete;
  MessageReadAhead& operator=(const MessageReadAhead&) = delete;

  // The scan has reached msgnos[position].
  void Reached(size_t position);

 private:
  void Work();

  int dir_fd_;
  std::vector<uint32_t> uids_;
  std::mutex mutex_;
  std::condition_variable wake_;
  size_t next_ = 0;     // the next file to read ahead
  size_t reached_ = 0;  // where the scan is
  bool stopping_ = false;
  size_t notified_ = 0;  // the scan's position last told to the helpers
  std::vector<std::thread> threads_;
};

}  // namespace satrap::mailbox
