// Reading messages and their cache records (mailbox.h).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "mailbox/cache_batches.h"
#include "mailbox/cache_file.h"
#include "mailbox/mailbox.h"
#include "mailbox/store_internal.h"
#include "mime/cache_record.h"
#include "mime/message.h"

namespace satrap::mailbox {

Result<UniqueFd> Mailbox::OpenMessage(uint32_t msgno) const {
  const uint32_t uid = Uid(msgno);
  int fd = ::openat(dir_fd_.get(), MessageFileName(uid).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("message has been expunged");
    return Status::FromErrno("open message " + std::to_string(uid), errno);
  }
  return UniqueFd(fd);
}

Result<std::string> Mailbox::ReadMessage(uint32_t msgno) const {
  SATRAP_ASSIGN_OR_RETURN(UniqueFd fd, OpenMessage(msgno));
  const IndexRecord& record = Record(msgno);
  std::string data(record.size, '\0');
  SATRAP_RETURN_IF_ERROR(PreadExact(fd.get(), data.data(), data.size(), 0));
  return data;
}

namespace {

// The cache payload rebuilt from the message itself.
Result<std::string> RebuildPayload(const Mailbox& mailbox, uint32_t msgno) {
  SATRAP_ASSIGN_OR_RETURN(std::string message, mailbox.ReadMessage(msgno));
  return mime::EncodeCacheRecord(mime::AnalyzeMessage(message));
}

Result<std::string> ReadSpan(int dir_fd, uint64_t offset, uint64_t length) {
  int fd = ::openat(dir_fd, kCacheFileName, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open cyrus.cache", errno);
  UniqueFd cache(fd);
  std::string bytes(length, '\0');
  SATRAP_RETURN_IF_ERROR(
      PreadExact(cache.get(), bytes.data(), bytes.size(), static_cast<off_t>(offset)));
  return bytes;
}

// The checked payload inside `record_bytes`, or nullopt when damaged. The
// record's CRC covers the payload, so the payload's own is not computed again.
std::optional<std::string_view> CheckedPayload(std::string_view record_bytes, uint32_t uid) {
  Result<std::string_view> payload = DecodeCacheRecord(record_bytes, uid);
  if (!payload.ok() || !mime::ViewCacheRecord(*payload, mime::CacheCheck::kStructure).ok()) {
    return std::nullopt;
  }
  return *payload;
}

}  // namespace

Result<std::string> Mailbox::CachePayload(uint32_t msgno) const {
  const IndexRecord& record = Record(msgno);
  Result<std::string> bytes = ReadSpan(dir_fd_.get(), record.cache_offset, record.cache_length);
  if (bytes.ok()) {
    if (std::optional<std::string_view> payload = CheckedPayload(*bytes, record.uid)) {
      return std::string(*payload);
    }
  }
  return RebuildPayload(*this, msgno);
}

std::pair<uint64_t, uint64_t> Mailbox::CacheSpan(uint32_t first, uint32_t last) const {
  uint64_t begin = UINT64_MAX, end = 0;
  for (uint32_t m = first; m <= last; ++m) {
    const auto [offset, length] = CacheLocation(m);
    begin = std::min(begin, offset);
    end = std::max(end, offset + length);
  }
  return {begin, end};
}

void Mailbox::PrefetchCache(uint32_t first, uint32_t last) const {
  if (first > last) return;
  const auto [begin, end] = CacheSpan(first, last);
  int fd = ::openat(dir_fd_.get(), kCacheFileName, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // only a hint
  (void)::posix_fadvise(fd, static_cast<off_t>(begin), static_cast<off_t>(end - begin),
                        POSIX_FADV_WILLNEED);
  ::close(fd);
}

Status Mailbox::ReadCacheRun(uint32_t first, uint32_t last, CacheRun* run) const {
  run->payloads.clear();
  run->rebuilt.clear();
  if (first > last) return Status::Ok();
  const auto [begin, end] = CacheSpan(first, last);
  // One sequential read for the whole range (records are in uid order).
  bool read = false;
  int fd = ::openat(dir_fd_.get(), kCacheFileName, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    UniqueFd cache(fd);
    run->bytes = std::make_unique_for_overwrite<char[]>(end - begin);
    read = PreadExact(cache.get(), run->bytes.get(), end - begin, static_cast<off_t>(begin)).ok();
  }
  run->payloads.reserve(last - first + 1);
  for (uint32_t m = first; m <= last; ++m) {
    const auto [offset, length] = CacheLocation(m);
    std::optional<std::string_view> payload;
    if (read) {
      payload = CheckedPayload(std::string_view(run->bytes.get() + (offset - begin), length), Uid(m));
    }
    if (!payload) {
      SATRAP_ASSIGN_OR_RETURN(std::string rebuilt, RebuildPayload(*this, m));
      payload = run->rebuilt.emplace_back(std::move(rebuilt));
    }
    run->payloads.push_back(*payload);
  }
  return Status::Ok();
}

}  // namespace satrap::mailbox
