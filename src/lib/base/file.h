// File and descriptor helpers with explicit durability.
//
// UniqueFd owns a descriptor and closes it on destruction. The Write*/Sync*
// helpers retry EINTR and short writes. WriteFileAtomic() is the one way to
// replace a small file so that a crash leaves either the old or the new
// contents, never a mix: write a temp file beside it, fsync it, rename, fsync
// the directory.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/status.h"

namespace satrap {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

// open(2) with O_CLOEXEC added.
Result<UniqueFd> OpenFile(const std::string& path, int flags, mode_t mode = 0600);
// Writes all of `data` at the current offset.
Status WriteAll(int fd, std::string_view data);
// Writes all of `data` at `offset`.
Status PwriteAll(int fd, std::string_view data, off_t offset);
// Reads exactly `size` bytes at `offset`; kCorrupt if the file is shorter.
Status PreadExact(int fd, char* into, size_t size, off_t offset);
Result<std::string> ReadFile(const std::string& path);
// The whole of `name`, relative to the open directory `dir_fd` (openat).
Result<std::string> ReadFileAt(int dir_fd, const std::string& name);
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode = 0600);
Status SyncFd(int fd);  // fdatasync
Status SyncDirectory(const std::string& dir);
// mkdir -p; existing directories are fine.
Status MakeDirectories(const std::string& path, mode_t mode = 0750);
std::string DirName(std::string_view path);
std::string JoinPath(std::string_view dir, std::string_view name);
bool PathExists(const std::string& path);

}  // namespace satrap
