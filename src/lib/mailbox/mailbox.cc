// Opening a mailbox, the session view and Refresh() (mailbox.h).
#include "mailbox/mailbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "base/strings.h"
#include "log/log.h"
#include "mailbox/names.h"
#include "mailbox/partition.h"
#include "mailbox/seen.h"
#include "mailbox/store.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {

Mailbox::Mailbox(Store* store, MailboxEntry entry, acl::Identity who, acl::Rights rights,
                 bool read_only)
    : store_(store), entry_(std::move(entry)), who_(std::move(who)), rights_(rights),
      read_only_(read_only) {}

Mailbox::~Mailbox() {
  if (index_) {
    TryCompact();
    index_->ReleaseOpen();
  }
}

Result<std::unique_ptr<Mailbox>> Store::Open(const acl::Identity& who, std::string_view name,
                                             bool read_only) {
  acl::Rights rights;
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry entry, LookupWithRights(who, name, acl::kRead, &rights));
  return OpenEntry(who, entry, rights, read_only, nullptr);
}

Result<std::unique_ptr<Mailbox>> Store::OpenEntry(const acl::Identity& who,
                                                  const MailboxEntry& entry, acl::Rights rights,
                                                  bool read_only, const MaildropOptions* maildrop) {
  SATRAP_ASSIGN_OR_RETURN(std::string folder, FolderOf(entry));
  std::unique_ptr<Mailbox> mailbox(new Mailbox(this, entry, who, rights, read_only));
  if (maildrop != nullptr) {
    mailbox->claims_recent_ = false;
    mailbox->hide_deleted_ = maildrop->popuseimapflags;
    SATRAP_ASSIGN_OR_RETURN(mailbox->pop_lock_, TakePop3Lock(folder));
  }
  SATRAP_RETURN_IF_ERROR(mailbox->OpenFiles(folder));
  if (!who.anonymous && !who.userid.empty()) {
    Result<std::string> inbox = UserInboxName(who.userid, options_.ns.virtdomains);
    mailbox->is_owner_ = inbox.ok() && IsSameOrUnder(entry.name, *inbox);
    if (!mailbox->is_owner_) {
      SATRAP_ASSIGN_OR_RETURN(std::string path, UserFilePath(options_.config_directory, who.userid,
                                                             ".seen", options_.ns.virtdomains));
      SATRAP_ASSIGN_OR_RETURN(
          mailbox->seen_, SeenState::Load(path, entry.uniqueid, mailbox->uidvalidity(),
                                          static_cast<int>(file_mode())));
    }
  }
  SATRAP_RETURN_IF_ERROR(mailbox->Refresh(true).status());
  return mailbox;
}

Status Mailbox::OpenFiles(const std::string& folder) {
  SATRAP_ASSIGN_OR_RETURN(dir_fd_, OpenFolder(folder));
  // A compaction or reconstruct may replace cyrus.index between our open and
  // our lock: then lock the new file instead.
  for (int attempt = 0; attempt < 10; ++attempt) {
    SATRAP_ASSIGN_OR_RETURN(index_, IndexFile::Open(dir_fd_.get()));
    SATRAP_RETURN_IF_ERROR(index_->HoldOpenShared());
    if (!index_->Replaced()) break;
    index_->ReleaseOpen();
  }
  SATRAP_ASSIGN_OR_RETURN(header_, ReadMailboxHeader(dir_fd_.get()));
  if (header_.uniqueid != entry_.uniqueid) {
    return Status::Corrupt("cyrus.header of " + entry_.name + " has another unique id");
  }
  SATRAP_RETURN_IF_ERROR(index_->Map(&index_map_));
  if (index_map_.header.options & kMailboxDeleted) return Status::NotFound("mailbox deleted");
  view_modseq_ = index_map_.header.highestmodseq;
  const IndexRecords& records = index_map_.records;
  view_.reserve(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) {
    view_last_uid_ = records.Uid(i);
    if (Shows(i)) view_.push_back({view_last_uid_, i, 0, 0});
  }
  return ClaimRecent();
}

Status Mailbox::ClaimRecent() {
  if (read_only_ || !claims_recent_ || view_.empty()) return Status::Ok();
  if (index_map_.header.recent_uid >= view_last_uid_) return Status::Ok();
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, index_->Begin());
  const uint32_t claimed_from = header.recent_uid;
  if (claimed_from >= view_last_uid_) {
    index_->Abort();
    return Status::Ok();
  }
  header.recent_uid = view_last_uid_;
  // \Recent is a hint, not data: no sync for it.
  SATRAP_RETURN_IF_ERROR(index_->Commit(header, false));
  index_map_.header.recent_uid = view_last_uid_;
  // The newly claimed are the view's tail.
  for (auto e = view_.rbegin(); e != view_.rend() && e->uid > claimed_from; ++e) e->recent = 1;
  return Status::Ok();
}

Status Mailbox::ReadKeywordsIfChanged() {
  SATRAP_ASSIGN_OR_RETURN(MailboxHeader header, ReadMailboxHeader(dir_fd_.get()));
  header_ = std::move(header);
  return Status::Ok();
}

void Mailbox::Rebind() {
  const IndexRecords& records = index_map_.records;
  uint32_t r = 0;
  for (ViewEntry& e : view_) {
    while (r < records.size() && records.Uid(r) < e.uid) ++r;
    e.record = (r < records.size() && records.Uid(r) == e.uid) ? r : kNoRecord;
  }
}

std::optional<IndexRecord> Mailbox::CurrentRecord(uint32_t position) const {
  if (Result<IndexRecord> record = index_map_.records.DecodeChecked(position); record.ok()) {
    return *record;
  }
  // Caught while another process rewrote it: writers hold the index lock.
  Result<IndexRecord> record = index_->ReadRecordShared(position);
  if (record.ok()) return *record;
  log::Error("%s: record %u: %s", name().c_str(), position, record.status().ToString().c_str());
  return std::nullopt;
}

RefreshChanges Mailbox::Merge(bool allow_expunges, const MergeScope& scope) {
  RefreshChanges changes;
  if (scope.moved) Rebind();
  const IndexRecords& records = index_map_.records;
  // Expunges and flag changes rewrite records in place; with only appends
  // since the last look, neither needs a pass over a 100,000-record index.
  if (scope.rewritten || expunges_pending_ > 0) {
    if (allow_expunges) {
      // One pass keeping the survivors in order (erasing one by one is
      // quadratic when a large EXPUNGE comes in from elsewhere).
      size_t kept = 0;
      for (size_t i = 0; i < view_.size(); ++i) {
        const ViewEntry e = view_[i];
        if (e.record == kNoRecord || records.Expunged(e.record)) {
          changes.expunged.push_back(static_cast<uint32_t>(i + 1));
        } else {
          view_[kept++] = e;
        }
      }
      view_.resize(kept);
      expunges_pending_ = 0;
      // Each "* n EXPUNGE" renumbers the ones after it: report highest first.
      std::reverse(changes.expunged.begin(), changes.expunged.end());
    } else {
      for (ViewEntry& e : view_) {
        if (!e.expunge_pending && (e.record == kNoRecord || records.Expunged(e.record))) {
          e.expunge_pending = 1;
          ++expunges_pending_;
        }
      }
    }
  }
  if (scope.rewritten) {
    for (size_t i = 0; i < view_.size(); ++i) {
      const ViewEntry& e = view_[i];
      if (e.expunge_pending || e.record == kNoRecord) continue;
      const uint64_t modseq = records.Modseq(e.record);
      if (modseq <= view_modseq_) continue;
      auto own = reported_modseqs_.find(e.uid);
      if (own == reported_modseqs_.end() || modseq > own->second) {
        changes.flags_changed.push_back(static_cast<uint32_t>(i + 1));
      }
    }
  }
  reported_modseqs_.clear();
  const size_t before = view_.size();
  for (uint32_t i = scope.first_new; i < records.size(); ++i) {
    const uint32_t uid = records.Uid(i);
    if (uid <= view_last_uid_) continue;
    view_last_uid_ = uid;
    if (Shows(i)) view_.push_back({uid, i, 0, 0});
  }
  view_modseq_ = index_map_.header.highestmodseq;
  changes.exists = exists();
  changes.exists_changed = view_.size() != before || !changes.expunged.empty();
  return changes;
}

Result<RefreshChanges> Mailbox::Refresh(bool allow_expunges) {
  const bool replaced = index_->Replaced();
  if (replaced) {
    // reconstruct replaced the file: follow it (our view is rebound by uid).
    // No file at all: the mailbox was deleted or renamed away meanwhile.
    Result<std::unique_ptr<IndexFile>> reopened = IndexFile::Open(dir_fd_.get());
    if (!reopened.ok() && reopened.status().Is(Code::kNotFound)) {
      RefreshChanges changes;
      changes.mailbox_gone = true;
      changes.exists = exists();
      return changes;
    }
    SATRAP_RETURN_IF_ERROR(reopened.status());
    index_->ReleaseOpen();
    index_ = std::move(*reopened);
    SATRAP_RETURN_IF_ERROR(index_->HoldOpenShared());
  }
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, index_->ReadHeader());
  RefreshChanges changes;
  if (!replaced && header.generation == index_map_.header.generation &&
      !(allow_expunges && expunges_pending_ > 0)) {
    changes.exists = exists();
    return changes;
  }
  const uint32_t keywords_generation = index_map_.header.keywords_generation;
  const uint32_t known = index_map_.records.size();
  const uint64_t known_modseq = index_map_.header.highestmodseq;
  if (replaced) {
    // A new file: map and check it whole (the view is rebound by uid).
    MappedIndex fresh;
    SATRAP_RETURN_IF_ERROR(index_->Map(&fresh));
    index_map_ = std::move(fresh);
  } else {
    SATRAP_RETURN_IF_ERROR(index_->Map(&index_map_));
  }
  if (index_map_.header.options & kMailboxDeleted) {
    changes.mailbox_gone = true;
    return changes;
  }
  if (index_map_.header.keywords_generation != keywords_generation) {
    SATRAP_RETURN_IF_ERROR(ReadKeywordsIfChanged());
  }
  // Every change takes one modseq for one record: as many new modseqs as
  // new records means nothing older was rewritten (as in IndexFile::Map).
  MergeScope scope;
  scope.moved = replaced;
  scope.first_new = replaced ? 0 : known;
  scope.rewritten = replaced || index_map_.header.highestmodseq - known_modseq !=
                                    index_map_.records.size() - known;
  const uint32_t old_exists = exists();
  changes = Merge(allow_expunges, scope);
  changes.keywords_changed = index_map_.header.keywords_generation != keywords_generation;
  if (exists() > old_exists) SATRAP_RETURN_IF_ERROR(ClaimRecent());
  changes.recent = recent_count();
  return changes;
}

uint32_t Mailbox::Uid(uint32_t msgno) const {
  CHECK(msgno >= 1 && msgno <= view_.size()) << "msgno " << msgno;
  return view_[msgno - 1].uid;
}

IndexRecord Mailbox::Record(uint32_t msgno) const {
  CHECK(msgno >= 1 && msgno <= view_.size()) << "msgno " << msgno;
  const ViewEntry& e = view_[msgno - 1];
  CHECK(e.record != kNoRecord) << "record of uid " << e.uid << " is gone";
  return index_map_.records.Decode(e.record);
}

std::pair<uint64_t, uint32_t> Mailbox::CacheLocation(uint32_t msgno) const {
  CHECK(msgno >= 1 && msgno <= view_.size()) << "msgno " << msgno;
  const ViewEntry& e = view_[msgno - 1];
  CHECK(e.record != kNoRecord) << "record of uid " << e.uid << " is gone";
  return {index_map_.records.CacheOffset(e.record), index_map_.records.CacheLength(e.record)};
}

bool Mailbox::IsExpungePending(uint32_t msgno) const {
  CHECK(msgno >= 1 && msgno <= view_.size());
  return view_[msgno - 1].expunge_pending;
}

MessageFlags Mailbox::Flags(uint32_t msgno) const {
  CHECK(msgno >= 1 && msgno <= view_.size()) << "msgno " << msgno;
  const ViewEntry& e = view_[msgno - 1];
  MessageFlags flags;
  flags.recent = e.recent;
  if (e.record == kNoRecord) return flags;
  std::optional<IndexRecords::LiveFields> live = index_map_.records.LiveChecked(e.record);
  if (live) {
    flags.system = live->system_flags;
    flags.keywords = live->keywords;
    flags.modseq = live->modseq;
  } else if (std::optional<IndexRecord> current = CurrentRecord(e.record)) {
    flags.system = current->system_flags;
    flags.keywords = current->keywords;
    flags.modseq = current->modseq;
  } else {
    return flags;
  }
  flags.system &= kSystemFlagsMask;
  if (!is_owner_) {
    flags.system &= ~kFlagSeen;
    if (seen_ && seen_->IsSeen(e.uid)) flags.system |= kFlagSeen;
  }
  return flags;
}

uint32_t Mailbox::MsgnoOfUid(uint32_t uid) const {
  uint32_t msgno = LowerBoundUid(uid);
  return msgno <= view_.size() && view_[msgno - 1].uid == uid ? msgno : 0;
}

uint32_t Mailbox::LowerBoundUid(uint32_t uid) const {
  auto it = std::lower_bound(view_.begin(), view_.end(), uid,
                             [](const ViewEntry& e, uint32_t u) { return e.uid < u; });
  return static_cast<uint32_t>(it - view_.begin()) + 1;
}

uint32_t Mailbox::recent_count() const {
  uint32_t n = 0;
  for (const ViewEntry& e : view_) n += e.recent ? 1 : 0;
  return n;
}

uint32_t Mailbox::first_unseen() const {
  for (uint32_t msgno = 1; msgno <= view_.size(); ++msgno) {
    if (!(Flags(msgno).system & kFlagSeen)) return msgno;
  }
  return 0;
}

void Mailbox::TryCompact() {
  if (index_map_.header.expunged == 0 || !index_->TryOpenExclusive()) return;
  // Nobody else has the mailbox open: no view numbers an expunged message.
  Result<IndexHeader> header = index_->Begin();
  if (!header.ok()) return;
  Result<std::vector<IndexRecord>> records = index_->ReadRecords(0, header->num_records);
  if (records.ok() && header->expunged > 0) {
    IndexSnapshot compacted;
    compacted.header = *header;
    for (const IndexRecord& r : *records) {
      if (!r.expunged()) {
        compacted.records.push_back(r);
      } else {
        ::unlinkat(dir_fd_.get(), MessageFileName(r.uid).c_str(), 0);  // left by a crash
      }
    }
    RecountHeader(compacted.records, &compacted.header);
    compacted.header.uidnext = header->uidnext;
    ++compacted.header.generation;
    // The cache is derived data: a failure to compact it leaves it as it was.
    Status cache = CompactCache(dir_fd_.get(), &compacted.records, store_->file_mode());
    if (!cache.ok()) log::Warning("compact %s cache: %s", name().c_str(), cache.ToString().c_str());
    Status written = IndexFile::WriteWhole(dir_fd_.get(), compacted, store_->file_mode());
    if (!written.ok()) log::Warning("compact %s: %s", name().c_str(), written.ToString().c_str());
  }
  index_->Abort();
}

}  // namespace satrap::mailbox
