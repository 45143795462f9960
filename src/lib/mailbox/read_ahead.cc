#include "mailbox/read_ahead.h"

#include <fcntl.h>
#include <unistd.h>

#include "mailbox/store_internal.h"

namespace satrap::mailbox {

MessageReadAhead::MessageReadAhead(const Mailbox& mb, const std::vector<uint32_t>& msgnos)
    : dir_fd_(mb.dir_fd()) {
  if (msgnos.size() < kMinMessages) return;
  uids_.reserve(msgnos.size());
  for (uint32_t msgno : msgnos) uids_.push_back(mb.Uid(msgno));
  for (int i = 0; i < kThreads; ++i) threads_.emplace_back([this] { Work(); });
}

MessageReadAhead::~MessageReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void MessageReadAhead::Reached(size_t position) {
  // Waking the helpers for every message would cost more context switches
  // than reading ahead saves; they are woken when a quarter of the window
  // has been used up.
  if (threads_.empty() || position < notified_ + kWindow / 4) return;
  notified_ = position;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reached_ = position;
  }
  wake_.notify_all();
}

void MessageReadAhead::Work() {
  for (;;) {
    size_t i;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] {
        return stopping_ || next_ >= uids_.size() || next_ < reached_ + kWindow;
      });
      if (stopping_ || next_ >= uids_.size()) return;
      // Files the scan has already passed are not worth reading.
      if (next_ < reached_) next_ = reached_;
      i = next_++;
    }
    int fd = ::openat(dir_fd_, MessageFileName(uids_[i]).c_str(),
                      O_RDONLY | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM) {  // O_NOATIME needs the file's owner
      fd = ::openat(dir_fd_, MessageFileName(uids_[i]).c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) continue;  // expunged meanwhile: the scan will say so
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
    ::close(fd);
  }
}

}  // namespace satrap::mailbox
