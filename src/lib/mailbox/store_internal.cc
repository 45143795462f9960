#include "mailbox/store_internal.h"

#include <fcntl.h>
#include <unistd.h>

#include "log/log.h"
#include "mailbox/cache_file.h"
#include "mailbox/header_file.h"

namespace satrap::mailbox {

Result<UniqueFd> OpenFolder(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open folder " + path, errno);
  return UniqueFd(fd);
}

std::string MessageFileName(uint32_t uid) { return std::to_string(uid) + "."; }

Result<IndexSnapshot> ReadIndexOf(int dir_fd) {
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<IndexFile> index, IndexFile::Open(dir_fd));
  return index->Snapshot();
}

void RemoveFolderFiles(const std::string& folder, int dir_fd, const IndexSnapshot& snapshot) {
  for (const IndexRecord& r : snapshot.records) {
    if (::unlinkat(dir_fd, MessageFileName(r.uid).c_str(), 0) < 0 && errno != ENOENT) {
      log::Warning("unlink %s/%u.: %m", folder.c_str(), r.uid);
    }
  }
  for (const char* file : {kCacheFileName, kHeaderFileName, kIndexFileName}) {
    ::unlinkat(dir_fd, file, 0);
  }
  // Sub-folders of other mailboxes keep it alive: that is fine.
  if (::rmdir(folder.c_str()) < 0 && errno != ENOTEMPTY && errno != EEXIST) {
    log::Warning("rmdir %s: %m", folder.c_str());
  }
}

}  // namespace satrap::mailbox
