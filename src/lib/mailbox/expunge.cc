// EXPUNGE, UID EXPUNGE (RFC 4315) and the expunge half of MOVE (RFC 6851).
//
// Records are marked expunged in place (kept until compaction, mailbox.h);
// the index is synced before any file is unlinked, so a crash never leaves a
// live record without its file. Quota usage drops after the index commit:
// a crash in between over-counts, which `quota -f` repairs, never the reverse.
#include <unistd.h>

#include <algorithm>

#include "log/log.h"
#include "mailbox/mailbox.h"
#include "mailbox/store.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {

Status Mailbox::ExpungeMatching(const std::vector<uint32_t>* uids, bool require_deleted) {
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, index_->Begin());
  Result<std::vector<IndexRecord>> records = index_->ReadRecords(0, header.num_records);
  if (!records.ok()) {
    index_->Abort();
    return records.status();
  }
  std::vector<uint32_t> victims;
  uint64_t bytes = 0;
  uint32_t first = UINT32_MAX, last = 0;
  for (uint32_t i = 0; i < records->size(); ++i) {
    IndexRecord& r = (*records)[i];
    if (r.expunged()) continue;
    if (require_deleted && !(r.system_flags & kFlagDeleted)) continue;
    if (uids && !std::binary_search(uids->begin(), uids->end(), r.uid)) continue;
    if (r.system_flags & kFlagDeleted) --header.deleted;
    r.system_flags |= kFlagExpunged;
    r.modseq = ++header.highestmodseq;
    --header.exists;
    ++header.expunged;
    header.quota_used -= std::min(header.quota_used, r.size);
    bytes += r.size;
    victims.push_back(r.uid);
    first = std::min(first, i);
    last = i;
  }
  if (victims.empty()) {
    index_->Abort();
    return Status::Ok();
  }
  std::vector<IndexRecord> changed(records->begin() + first, records->begin() + last + 1);
  Status status = index_->MarkDirty(header);
  if (status.ok()) status = index_->WriteRecords(first, changed);
  if (!status.ok()) {
    index_->Abort();
    return status;
  }
  SATRAP_RETURN_IF_ERROR(index_->Commit(header, true));
  Status quota = db::RunTransaction(store_->env(), [&](db::Transaction& txn) -> Status {
    SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> root,
                            store_->quotas().FindRoot(&txn, entry_.name));
    if (!root) return Status::Ok();
    return store_->quotas().Apply(&txn, root->root, -static_cast<int64_t>(bytes),
                                  -static_cast<int64_t>(victims.size()));
  });
  if (!quota.ok()) log::Error("expunge %s: quota: %s", name().c_str(), quota.ToString().c_str());
  for (uint32_t uid : victims) ::unlinkat(dir_fd_.get(), MessageFileName(uid).c_str(), 0);
  return Status::Ok();
}

Result<RefreshChanges> Mailbox::Expunge(std::optional<std::span<const uint32_t>> uids) {
  if (read_only_) return Status::NoPermission("mailbox is read-only");
  if (!rights_.Has(acl::kExpunge)) return Status::NoPermission("missing right e");
  if (uids) {
    std::vector<uint32_t> sorted(uids->begin(), uids->end());
    std::sort(sorted.begin(), sorted.end());
    SATRAP_RETURN_IF_ERROR(ExpungeMatching(&sorted, true));
  } else {
    SATRAP_RETURN_IF_ERROR(ExpungeMatching(nullptr, true));
  }
  return Refresh(true);
}

Status Mailbox::ExpungeMoved(const std::vector<uint32_t>& uids) {
  if (read_only_) return Status::NoPermission("mailbox is read-only");
  if (!rights_.Has(acl::kExpunge | acl::kDeleteMessage)) return Status::NoPermission("missing te");
  std::vector<uint32_t> sorted = uids;
  std::sort(sorted.begin(), sorted.end());
  return ExpungeMatching(&sorted, false);
}

}  // namespace satrap::mailbox
