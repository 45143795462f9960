// Dropping expunged messages' records from cyrus.cache (store_internal.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strings.h"
#include "mailbox/cache_file.h"
#include "mailbox/store_internal.h"
#include "mime/cache_record.h"
#include "mime/message.h"

namespace satrap::mailbox {

namespace {

// The cache record of `r`: the old one if it checks out, else re-derived.
Result<std::string> RecordFor(int dir_fd, std::string_view cache, const IndexRecord& r) {
  if (r.cache_offset + r.cache_length <= cache.size()) {
    std::string_view bytes = cache.substr(r.cache_offset, r.cache_length);
    Result<std::string_view> payload = DecodeCacheRecord(bytes, r.uid);
    if (payload.ok() && mime::ViewCacheRecord(*payload, mime::CacheCheck::kStructure).ok()) {
      return std::string(bytes);
    }
  }
  SATRAP_ASSIGN_OR_RETURN(std::string message, ReadFileAt(dir_fd, MessageFileName(r.uid)));
  return EncodeCacheRecord(r.uid, mime::EncodeCacheRecord(mime::AnalyzeMessage(message)));
}

}  // namespace

Status CompactCache(int dir_fd, std::vector<IndexRecord>* records, mode_t mode) {
  SATRAP_ASSIGN_OR_RETURN(std::string cache, ReadFileAt(dir_fd, kCacheFileName));
  uint64_t live = 0;
  for (const IndexRecord& r : *records) live += r.cache_length;
  if (live * 2 > cache.size()) return Status::Ok();  // not worth a rewrite yet
  std::string fresh;
  std::vector<IndexRecord> moved = *records;
  for (IndexRecord& r : moved) {
    SATRAP_ASSIGN_OR_RETURN(std::string record, RecordFor(dir_fd, cache, r));
    r.cache_offset = fresh.size();
    r.cache_length = static_cast<uint32_t>(record.size());
    fresh += record;
  }
  const std::string temp = StringPrintf("cyrus.cache.%d.tmp", static_cast<int>(::getpid()));
  int fd = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::FromErrno("create " + temp, errno);
  UniqueFd file(fd);
  Status status = WriteAll(fd, fresh);
  if (status.ok() && ::renameat(dir_fd, temp.c_str(), dir_fd, kCacheFileName) < 0) {
    status = Status::FromErrno("rename cyrus.cache", errno);
  }
  if (!status.ok()) {
    ::unlinkat(dir_fd, temp.c_str(), 0);
    return status;
  }
  *records = std::move(moved);
  return Status::Ok();
}

}  // namespace satrap::mailbox
