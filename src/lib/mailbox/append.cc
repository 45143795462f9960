// Appending (store.h Append, append_internal.h).
//
// Syncs per target for a batch of messages: one fdatasync per message file
// (done once per partition, before any lock is taken), one fsync of the
// folder for all the new names, one fdatasync of cyrus.index, and the
// quota.db commit when a quota root governs the mailbox. cyrus.cache is not
// synced: a lost or torn cache record fails its check and is rebuilt from
// the message (cache_file.h). Only then does the caller acknowledge.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include "base/strings.h"
#include "log/log.h"
#include "mailbox/append_internal.h"
#include "mailbox/cache_file.h"
#include "mailbox/keywords.h"
#include "mailbox/names.h"
#include "mailbox/store_internal.h"
#include "mime/cache_record.h"
#include "mime/message.h"

namespace satrap::mailbox {

std::array<uint8_t, 20> Sha1(std::string_view data) {
  std::array<uint8_t, 20> out{};
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha1(), nullptr);
  return out;
}

namespace {

// Copies everything from `in` (at its offset) to `out`.
Status CopyData(int in, int out) {
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno("read message", errno);
    if (n == 0) return Status::Ok();
    SATRAP_RETURN_IF_ERROR(WriteAll(out, std::string_view(buffer, static_cast<size_t>(n))));
  }
}

// Copies `source_name` into `dir_fd` as `target_name`, synced (when a hard
// link would cross file systems). The copy is written under a temp name and
// renamed, so "<uid>." never names a half-written message (reconstruct.h).
Status CopyFileInto(int source_dir_fd, const std::string& source_name, int dir_fd,
                    const std::string& target_name, mode_t mode) {
  int in = ::openat(source_dir_fd, source_name.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::FromErrno("open " + source_name, errno);
  UniqueFd source(in);
  const std::string temp = StringPrintf(".satrap-copy-%d-%s", static_cast<int>(::getpid()),
                                        target_name.c_str());
  int out = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (out < 0) return Status::FromErrno("create " + temp, errno);
  UniqueFd target(out);
  Status status = CopyData(source.get(), target.get());
  if (status.ok()) status = SyncFd(target.get());
  if (status.ok() && ::renameat(dir_fd, temp.c_str(), dir_fd, target_name.c_str()) < 0) {
    status = Status::FromErrno("rename " + temp, errno);
  }
  if (!status.ok()) ::unlinkat(dir_fd, temp.c_str(), 0);
  return status;
}

// Copies the first `size` bytes of the open file `in` into `dir_fd` as
// `target_name`, synced, through a temp name and a rename.
Status CopyFdInto(int in, uint64_t size, int dir_fd, const std::string& target_name,
                  mode_t mode) {
  const std::string temp = StringPrintf(".satrap-copy-%d-%s", static_cast<int>(::getpid()),
                                        target_name.c_str());
  int out = ::openat(dir_fd, temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (out < 0) return Status::FromErrno("create " + temp, errno);
  UniqueFd target(out);
  Status status;
  std::string buffer(256 * 1024, '\0');
  for (uint64_t done = 0; status.ok() && done < size;) {
    const size_t chunk = static_cast<size_t>(std::min<uint64_t>(buffer.size(), size - done));
    status = PreadExact(in, buffer.data(), chunk, static_cast<off_t>(done));
    if (status.ok()) status = WriteAll(target.get(), std::string_view(buffer.data(), chunk));
    done += chunk;
  }
  if (status.ok()) status = SyncFd(target.get());
  if (status.ok() && ::renameat(dir_fd, temp.c_str(), dir_fd, target_name.c_str()) < 0) {
    status = Status::FromErrno("rename " + temp, errno);
  }
  if (!status.ok()) ::unlinkat(dir_fd, temp.c_str(), 0);
  return status;
}

}  // namespace

Status LinkOrCopyFile(int source_dir_fd, const std::string& source_name, int dir_fd,
                      const std::string& target_name, mode_t mode) {
  if (::linkat(source_dir_fd, source_name.c_str(), dir_fd, target_name.c_str(), 0) == 0) {
    return Status::Ok();
  }
  if (errno != EXDEV) return Status::FromErrno("link " + target_name, errno);
  return CopyFileInto(source_dir_fd, source_name, dir_fd, target_name, mode);
}

namespace {

// Links (or copies) one message in as "<uid>."; a stale file of that name
// (left by a crash before its index record was written) is replaced.
Status LinkMessage(const PreparedMessage& m, int dir_fd, uint32_t uid, mode_t mode) {
  const std::string name = MessageFileName(uid);
  // A spool file is linked through /proc/self/fd (no privilege needed).
  const std::string spool_path = StringPrintf("/proc/self/fd/%d", m.source_fd);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int linked =
        m.source_fd >= 0
            ? ::linkat(AT_FDCWD, spool_path.c_str(), dir_fd, name.c_str(), AT_SYMLINK_FOLLOW)
            : ::linkat(m.source_dir_fd, m.source_name.c_str(), dir_fd, name.c_str(), 0);
    if (linked == 0) return Status::Ok();
    if (m.source_fd >= 0 && errno != EEXIST) {
      // An unlinked mkstemp file (ENOENT), no /proc, another file system.
      return CopyFdInto(m.source_fd, m.size, dir_fd, name, mode);
    }
    if (errno == EXDEV) return CopyFileInto(m.source_dir_fd, m.source_name, dir_fd, name, mode);
    if (errno != EEXIST) return Status::FromErrno("link " + name, errno);
    ::unlinkat(dir_fd, name.c_str(), 0);
  }
  return Status::IoError("link " + name + ": still exists");
}

// Charges the quota root of `mailbox`; the root name (or "") is returned,
// and in *warning the root after the charge when it is over quotawarn.
Result<std::string> ChargeQuota(Store& store, const std::string& mailbox, uint64_t bytes,
                                uint64_t count, quota::QuotaCheck check, AppendResult* warning) {
  std::string charged;
  SATRAP_RETURN_IF_ERROR(db::RunTransaction(store.env(), [&](db::Transaction& txn) -> Status {
    charged.clear();
    SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> root,
                            store.quotas().FindRoot(&txn, mailbox));
    if (!root) return Status::Ok();
    SATRAP_RETURN_IF_ERROR(quota::CheckQuota(*root, bytes, count, check));
    charged = root->root;
    const StoreOptions& o = store.options();
    const bool before = quota::ShouldWarn(*root, o.quotawarn, o.quotawarn_kb, o.quotawarn_msg);
    root->used_bytes += bytes;
    root->used_messages += count;
    warning->quota_warning.reset();
    if (quota::ShouldWarn(*root, o.quotawarn, o.quotawarn_kb, o.quotawarn_msg)) {
      warning->quota_warning = *root;
      warning->quota_warning_new = !before;
    }
    return store.quotas().Apply(&txn, root->root, static_cast<int64_t>(bytes),
                                static_cast<int64_t>(count));
  }));
  return charged;
}

// Links the files and writes cache and index; on error the caller undoes.
Status WriteMessages(Store& store, IndexFile& index, int dir_fd, MailboxHeader* header_file,
                     IndexHeader* header, const std::vector<PreparedMessage>& messages,
                     std::vector<uint32_t>* uids) {
  std::vector<IndexRecord> records;
  std::string cache;
  int cache_fd = ::openat(dir_fd, kCacheFileName, O_WRONLY | O_CREAT | O_CLOEXEC, store.file_mode());
  if (cache_fd < 0) return Status::FromErrno("open cyrus.cache", errno);
  UniqueFd cache_file(cache_fd);
  struct stat st;
  if (::fstat(cache_fd, &st) < 0) return Status::FromErrno("fstat cyrus.cache", errno);
  const uint64_t cache_start = static_cast<uint64_t>(st.st_size);
  const int64_t now = ::time(nullptr);
  for (const PreparedMessage& m : messages) {
    IndexRecord r;
    r.uid = header->uidnext + static_cast<uint32_t>(uids->size());
    SATRAP_RETURN_IF_ERROR(LinkMessage(m, dir_fd, r.uid, store.file_mode()));
    uids->push_back(r.uid);
    bool added = false;
    SATRAP_ASSIGN_OR_RETURN(r.keywords, MapKeywords(dir_fd, header_file, m.keywords, true,
                                                    store.file_mode(), &added));
    if (added) ++header->keywords_generation;
    r.system_flags = m.system_flags & kSystemFlagsMask;
    r.internal_date = m.internal_date ? m.internal_date : now;
    r.date_zone_minutes = m.date_zone_minutes;
    r.size = m.size;
    r.header_size = m.header_size;
    r.guid = m.guid;
    r.modseq = ++header->highestmodseq;
    std::string record = EncodeCacheRecord(r.uid, m.cache_payload);
    r.cache_offset = cache_start + cache.size();
    r.cache_length = static_cast<uint32_t>(record.size());
    cache += record;
    records.push_back(r);
  }
  if (::fsync(dir_fd) < 0) return Status::FromErrno("fsync mailbox folder", errno);
  SATRAP_RETURN_IF_ERROR(PwriteAll(cache_fd, cache, static_cast<off_t>(cache_start)));
  SATRAP_RETURN_IF_ERROR(index.WriteRecords(header->num_records, records));
  for (const IndexRecord& r : records) {
    ++header->num_records;
    ++header->exists;
    header->quota_used += r.size;
    if (r.system_flags & kFlagDeleted) ++header->deleted;
  }
  header->uidnext += static_cast<uint32_t>(records.size());
  header->last_append_date = now;
  return Status::Ok();
}

}  // namespace

Result<AppendResult> AppendToFolder(Store& store, const MailboxEntry& entry, int dir_fd,
                                    const std::vector<PreparedMessage>& messages,
                                    quota::QuotaCheck check) {
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<IndexFile> index, IndexFile::Open(dir_fd));
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, index->Begin());
  if (header.options & kMailboxDeleted) {
    index->Abort();
    return Status::NotFound("mailbox deleted");
  }
  Result<MailboxHeader> header_file = ReadMailboxHeader(dir_fd);
  if (!header_file.ok()) {
    index->Abort();
    return header_file.status();
  }
  uint64_t bytes = 0;
  for (const PreparedMessage& m : messages) bytes += m.size;
  AppendResult result;
  Result<std::string> root = ChargeQuota(store, entry.name, bytes, messages.size(), check, &result);
  if (!root.ok()) {
    index->Abort();
    return root.status();
  }
  result.uidvalidity = header.uidvalidity;
  Status written = WriteMessages(store, *index, dir_fd, &*header_file, &header, messages,
                                 &result.uids);
  if (written.ok()) written = index->Commit(header, true);
  if (!written.ok()) {
    index->Abort();
    for (uint32_t uid : result.uids) ::unlinkat(dir_fd, MessageFileName(uid).c_str(), 0);
    if (!root->empty()) {
      (void)db::RunTransaction(store.env(), [&](db::Transaction& txn) {
        return store.quotas().Apply(&txn, *root, -static_cast<int64_t>(bytes),
                                    -static_cast<int64_t>(messages.size()));
      });
    }
    return written;
  }
  return result;
}

}  // namespace satrap::mailbox
