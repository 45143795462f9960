// APPEND / LMTP delivery to many mailboxes, and COPY / MOVE (store.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include "base/strings.h"
#include "mailbox/append_internal.h"
#include "mailbox/mailbox.h"
#include "mailbox/names.h"
#include "mailbox/store_internal.h"
#include "mime/cache_record.h"
#include "mime/message.h"

namespace satrap::mailbox {

namespace {

// The message files written once per partition, in the folder of the first
// target there, under names reconstruct skips (leading '.').
struct Spool {
  std::string partition;
  UniqueFd dir;
  std::vector<std::string> names;

  Spool() = default;
  Spool(Spool&&) = default;
  ~Spool() {
    for (const std::string& n : names) {
      if (!n.empty()) ::unlinkat(dir.get(), n.c_str(), 0);
    }
  }
};

// True when `m` is a handed-over spool file holding exactly the message on
// the file system of `dir_fd`: AppendToFolder links it in directly.
bool CanLinkDirectly(const NewMessage& m, int dir_fd) {
  if (m.spool_fd < 0 || !m.spool_handoff || m.spool_offset != 0) return false;
  struct stat spool, dir;
  if (::fstat(m.spool_fd, &spool) < 0 || ::fstat(dir_fd, &dir) < 0) return false;
  return static_cast<uint64_t>(spool.st_size) == m.spool_size && spool.st_dev == dir.st_dev;
}

// Spool names for the messages not linked directly ("" for those that are).
Status WriteSpool(Spool* spool, std::span<const NewMessage> messages, mode_t mode,
                  std::vector<bool>* spool_synced) {
  static std::atomic<uint64_t> counter{0};
  for (size_t i = 0; i < messages.size(); ++i) {
    if (CanLinkDirectly(messages[i], spool->dir.get())) {
      // Synced here, before any lock; its mode is set before it is linked.
      if (!(*spool_synced)[i]) {
        (void)::fchmod(messages[i].spool_fd, mode);
        SATRAP_RETURN_IF_ERROR(SyncFd(messages[i].spool_fd));
        (*spool_synced)[i] = true;
      }
      spool->names.emplace_back();
      continue;
    }
    std::string name = StringPrintf(".satrap-append-%d-%llu", static_cast<int>(::getpid()),
                                    static_cast<unsigned long long>(counter++));
    bool synced = (*spool_synced)[i];
    Status placed = PlaceSpoolFile(messages[i], spool->dir.get(), name, mode, &synced);
    (*spool_synced)[i] = synced;
    if (!placed.ok()) {
      ::unlinkat(spool->dir.get(), name.c_str(), 0);
      return placed;
    }
    spool->names.push_back(name);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Result<AppendResult>>> Store::Append(const acl::Identity& who,
                                                        std::span<const NewMessage> messages,
                                                        std::span<const std::string> targets,
                                                        const AppendPolicy& policy) {
  if (messages.empty()) return Status::Invalid("nothing to append");
  // Parse once, whatever the number of targets.
  std::vector<PreparedMessage> prepared(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    const NewMessage& m = messages[i];
    SATRAP_ASSIGN_OR_RETURN(MappedMessage mapped, MappedMessage::Map(m));
    mime::MessageInfo info = mime::AnalyzeMessage(mapped.bytes());
    PreparedMessage& p = prepared[i];
    p.size = mapped.bytes().size();
    p.header_size = static_cast<uint32_t>(info.root.body_offset);
    p.cache_payload = mime::EncodeCacheRecord(info);
    p.guid = Sha1(mapped.bytes());
    p.system_flags = m.system_flags;
    p.keywords = m.keywords;
    p.internal_date = m.internal_date;
    p.date_zone_minutes = m.date_zone_minutes;
  }
  std::vector<bool> spool_synced(messages.size(), false);
  std::vector<Spool> spools;
  std::vector<Result<AppendResult>> results;
  for (const std::string& target : targets) {
    Result<MailboxEntry> entry = Status::Internal("unset");
    if (policy.trusted_delivery && OwnerOf(target)) {
      entry = mboxlist_->Lookup(nullptr, target);
      if (entry.ok() && (entry->type & kTypeReserved)) entry = Status::NotFound("no such mailbox");
    } else {
      entry = LookupWithRights(who, target, policy.required);
    }
    if (!entry.ok()) {
      results.push_back(entry.status());
      continue;
    }
    Result<std::string> folder = FolderOf(*entry);
    Result<UniqueFd> dir = folder.ok() ? OpenFolder(*folder) : Result<UniqueFd>(folder.status());
    if (!dir.ok()) {
      results.push_back(dir.status());
      continue;
    }
    Spool* spool = nullptr;
    for (Spool& s : spools) {
      if (s.partition == entry->partition) spool = &s;
    }
    if (spool == nullptr) {
      Spool fresh;
      fresh.partition = entry->partition;
      fresh.dir = UniqueFd(::dup(dir->get()));
      Status written = WriteSpool(&fresh, messages, file_mode(), &spool_synced);
      spools.push_back(std::move(fresh));
      if (!written.ok()) {
        spools.pop_back();
        results.push_back(written);
        continue;
      }
      spool = &spools.back();
    }
    for (size_t i = 0; i < prepared.size(); ++i) {
      prepared[i].source_dir_fd = spool->dir.get();
      prepared[i].source_name = spool->names[i];
      prepared[i].source_fd = spool->names[i].empty() ? messages[i].spool_fd : -1;
    }
    Result<AppendResult> appended =
        AppendToFolder(*this, *entry, dir->get(), prepared, policy.quota_check);
    if (!appended.ok() && appended.status().os_errno() != 0) {
      appended = appended.status().WithContext(entry->name + " in " + *folder);
    }
    results.push_back(std::move(appended));
  }
  return results;
}

Result<std::vector<PreparedMessage>> PrepareFromMailbox(Mailbox& source,
                                                        std::span<const uint32_t> msgnos,
                                                        std::vector<uint32_t>* uids) {
  std::vector<PreparedMessage> prepared;
  SATRAP_RETURN_IF_ERROR(source.Verify(msgnos));
  for (uint32_t m : msgnos) {
    if (source.IsExpungePending(m)) continue;
    const IndexRecord& r = source.Record(m);
    PreparedMessage p;
    p.size = r.size;
    p.header_size = r.header_size;
    p.guid = r.guid;
    SATRAP_ASSIGN_OR_RETURN(p.cache_payload, source.CachePayload(m));
    const MessageFlags flags = source.Flags(m);
    p.system_flags = flags.system;
    for (int k = 0; k < kMaxKeywords && k < static_cast<int>(source.keywords().size()); ++k) {
      if (flags.HasKeyword(k)) p.keywords.push_back(source.keywords()[k]);
    }
    p.internal_date = r.internal_date;
    p.date_zone_minutes = r.date_zone_minutes;
    p.source_dir_fd = source.dir_fd();
    p.source_name = MessageFileName(r.uid);
    prepared.push_back(std::move(p));
    uids->push_back(r.uid);
  }
  return prepared;
}

Result<CopyResult> Store::Copy(const acl::Identity& who, Mailbox& source,
                               std::span<const uint32_t> msgnos, std::string_view target,
                               bool move) {
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry entry, LookupWithRights(who, target, acl::kInsert));
  if (move && !source.rights().Has(acl::kExpunge | acl::kDeleteMessage)) {
    return Status::NoPermission("MOVE needs t and e on the source");
  }
  if (move && source.read_only()) return Status::NoPermission("source is read-only");
  CopyResult result;
  SATRAP_ASSIGN_OR_RETURN(std::vector<PreparedMessage> prepared,
                          PrepareFromMailbox(source, msgnos, &result.source_uids));
  if (prepared.empty()) return Status::NotFound("messages have been expunged");
  SATRAP_ASSIGN_OR_RETURN(std::string folder, FolderOf(entry));
  SATRAP_ASSIGN_OR_RETURN(UniqueFd dir, OpenFolder(folder));
  SATRAP_ASSIGN_OR_RETURN(AppendResult appended,
                          AppendToFolder(*this, entry, dir.get(), prepared, quota::QuotaCheck::kStrict));
  result.uidvalidity = appended.uidvalidity;
  result.uids = std::move(appended.uids);
  result.quota_warning = std::move(appended.quota_warning);
  result.quota_warning_new = appended.quota_warning_new;
  if (move) SATRAP_RETURN_IF_ERROR(source.ExpungeMoved(result.source_uids));
  return result;
}

}  // namespace satrap::mailbox
