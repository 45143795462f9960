// Getting a message's bytes into a partition before it is linked into its
// folders (append_internal.h): from memory, or from a caller's spool file
// without reading it into memory, by hard link when the file system allows.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "base/file.h"
#include "base/strings.h"
#include "mailbox/append_internal.h"

namespace satrap::mailbox {

Result<MappedMessage> MappedMessage::Map(const NewMessage& message) {
  MappedMessage mapped;
  if (message.spool_fd < 0) {
    mapped.bytes_ = message.data;
    return mapped;
  }
  struct stat st;
  if (::fstat(message.spool_fd, &st) < 0) return Status::FromErrno("fstat spool file", errno);
  const uint64_t end = message.spool_offset + message.spool_size;
  if (end < message.spool_offset || end > static_cast<uint64_t>(st.st_size)) {
    return Status::Invalid("message lies outside its spool file");
  }
  if (message.spool_size == 0) return mapped;
  // mmap offsets must be page-aligned: map from the page holding the start.
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t start = message.spool_offset - message.spool_offset % page;
  mapped.map_length_ = static_cast<size_t>(end - start);
  mapped.map_ = ::mmap(nullptr, mapped.map_length_, PROT_READ, MAP_PRIVATE, message.spool_fd,
                       static_cast<off_t>(start));
  if (mapped.map_ == MAP_FAILED) {
    mapped.map_ = nullptr;
    return Status::FromErrno("mmap spool file", errno);
  }
  mapped.bytes_ = std::string_view(static_cast<const char*>(mapped.map_) +
                                       (message.spool_offset - start),
                                   static_cast<size_t>(message.spool_size));
  return mapped;
}

MappedMessage::MappedMessage(MappedMessage&& other) noexcept
    : map_(other.map_), map_length_(other.map_length_), bytes_(other.bytes_) {
  other.map_ = nullptr;
  other.map_length_ = 0;
}

MappedMessage::~MappedMessage() {
  if (map_ != nullptr) ::munmap(map_, map_length_);
}

namespace {

// Copies the spool range into a new file `name` in `dir_fd`, synced.
Status CopySpoolRange(const NewMessage& m, int dir_fd, const std::string& name, mode_t mode) {
  int out = ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (out < 0) return Status::FromErrno("create " + name, errno);
  UniqueFd target(out);
  std::string buffer(256 * 1024, '\0');
  uint64_t done = 0;
  while (done < m.spool_size) {
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(buffer.size(), m.spool_size - done));
    SATRAP_RETURN_IF_ERROR(PreadExact(m.spool_fd, buffer.data(), chunk,
                                      static_cast<off_t>(m.spool_offset + done)));
    SATRAP_RETURN_IF_ERROR(WriteAll(target.get(), std::string_view(buffer.data(), chunk)));
    done += chunk;
  }
  return SyncFd(target.get());
}

// Hard-links the open spool file into `dir_fd` as `name` (through
// /proc/self/fd, which needs no privilege). False when it cannot be linked:
// another file system, an already unlinked file, no /proc.
bool LinkSpool(int spool_fd, int dir_fd, const std::string& name) {
  const std::string path = StringPrintf("/proc/self/fd/%d", spool_fd);
  return ::linkat(AT_FDCWD, path.c_str(), dir_fd, name.c_str(), AT_SYMLINK_FOLLOW) == 0;
}

}  // namespace

Status PlaceSpoolFile(const NewMessage& m, int dir_fd, const std::string& name, mode_t mode,
                      bool* spool_synced) {
  if (m.spool_fd < 0) {
    int fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return Status::FromErrno("create " + name, errno);
    UniqueFd file(fd);
    SATRAP_RETURN_IF_ERROR(WriteAll(file.get(), m.data));
    return SyncFd(file.get());
  }
  struct stat st;
  if (::fstat(m.spool_fd, &st) < 0) return Status::FromErrno("fstat spool file", errno);
  const bool whole = m.spool_handoff && m.spool_offset == 0 &&
                     static_cast<uint64_t>(st.st_size) == m.spool_size;
  if (whole && LinkSpool(m.spool_fd, dir_fd, name)) {
    if ((st.st_mode & 07777) != mode) (void)::fchmod(m.spool_fd, mode);
    if (!*spool_synced) {
      SATRAP_RETURN_IF_ERROR(SyncFd(m.spool_fd));
      *spool_synced = true;
    }
    return Status::Ok();
  }
  return CopySpoolRange(m, dir_fd, name, mode);
}

}  // namespace satrap::mailbox
