#include "mailbox/user_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"

namespace satrap::mailbox {

Result<std::string> ReadUserFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok() && text.status().IsMissingFile()) return std::string();
  return text;
}

Status UpdateUserFile(const std::string& path, int file_mode,
                      const std::function<Status(std::string*)>& update) {
  SATRAP_RETURN_IF_ERROR(MakeDirectories(DirName(path), 0750));
  for (int attempt = 0; attempt < 100; ++attempt) {
    SATRAP_ASSIGN_OR_RETURN(UniqueFd fd, OpenFile(path, O_RDWR | O_CREAT, file_mode));
    while (::flock(fd.get(), LOCK_EX) < 0) {
      if (errno != EINTR) return Status::FromErrno("flock " + path, errno);
    }
    struct stat mine, now;
    if (::fstat(fd.get(), &mine) < 0) return Status::FromErrno("fstat " + path, errno);
    if (::stat(path.c_str(), &now) < 0 || now.st_ino != mine.st_ino) continue;  // replaced
    SATRAP_ASSIGN_OR_RETURN(std::string text, ReadUserFile(path));
    SATRAP_RETURN_IF_ERROR(update(&text));
    // Replacing the file releases the lock (it stays on the old inode).
    return WriteFileAtomic(path, text, static_cast<mode_t>(file_mode));
  }
  return Status::TempFail("could not lock " + path);
}

}  // namespace satrap::mailbox
