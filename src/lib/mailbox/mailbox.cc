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
  // An OS error names the folder, for the log: "open cyrus.index" alone
  // would not tell an admin which mailbox lost its files.
  SATRAP_RETURN_IF_ERROR(mailbox->OpenFiles(folder).WithContext(entry.name + " in " + folder));
  // POP3 reads every message's size and uid at once: check them all now.
  if (maildrop != nullptr) SATRAP_RETURN_IF_ERROR(mailbox->Verify(1, mailbox->exists()));
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
  const uint32_t n = records.size();
  if (n > 0) {
    // The first and the last block now: the last uid is needed, and a
    // mailbox of up to two blocks is thereby checked whole by SELECT.
    SATRAP_RETURN_IF_ERROR(CheckPosition(0));
    SATRAP_RETURN_IF_ERROR(CheckPosition(n - 1));
    view_last_uid_ = records.Uid(n - 1);
  }
  if (ShowsAll()) {
    identity_ = true;
    identity_count_ = n;
  } else {
    SATRAP_RETURN_IF_ERROR(CheckPositions(0, n));
    view_.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      if (Shows(i)) view_.push_back({records.Uid(i), i, 0, 0});
    }
  }
  return ClaimRecent();
}

bool Mailbox::ShowsAll() const {
  const IndexHeader& h = index_map_.header;
  return h.exists == h.num_records && !(hide_deleted_ && h.deleted > 0);
}

Status Mailbox::CheckPosition(uint32_t position) const {
  return CheckPositions(position, position + 1);
}

Status Mailbox::CheckPositions(uint32_t begin, uint32_t end) const {
  if (damaged_) return Damaged();
  if (begin >= end) return Status::Ok();
  Status checked = index_->CheckRecords(index_map_.records, begin, end - 1);
  if (checked.ok()) return checked;
  log::Error("%s: %s: refusing it until reconstruct", name().c_str(), checked.ToString().c_str());
  damaged_ = true;
  return Damaged();
}

Status Mailbox::Damaged() const {
  return Status::Corrupt("the index of " + name() + " is damaged (run reconstruct)");
}

Status Mailbox::Verify(uint32_t first, uint32_t last) const {
  if (damaged_) return Damaged();
  if (first < 1 || first > last || last > exists()) return Status::Ok();
  if (identity_) return CheckPositions(first - 1, last);
  // Listed: positions ascend with msgnos; entries whose record left with a
  // replaced file have none.
  while (first <= last && view_[first - 1].record == kNoRecord) ++first;
  while (last >= first && view_[last - 1].record == kNoRecord) --last;
  if (first > last) return Status::Ok();
  return CheckPositions(view_[first - 1].record, view_[last - 1].record + 1);
}

Status Mailbox::Verify(std::span<const uint32_t> msgnos) const {
  for (size_t i = 0; i < msgnos.size();) {
    size_t j = i;
    while (j + 1 < msgnos.size() && msgnos[j + 1] > msgnos[j] &&
           msgnos[j + 1] - msgnos[j] <= IndexRecords::kCheckBlock) {
      ++j;
    }
    SATRAP_RETURN_IF_ERROR(Verify(msgnos[i], msgnos[j]));
    i = j + 1;
  }
  return damaged_ ? Damaged() : Status::Ok();
}

uint32_t Mailbox::PositionOf(uint32_t msgno) const {
  CHECK(msgno >= 1 && msgno <= exists()) << "msgno " << msgno;
  return identity_ ? msgno - 1 : view_[msgno - 1].record;
}

uint32_t Mailbox::CheckedPositionOf(uint32_t msgno) const {
  const uint32_t position = PositionOf(msgno);
  // Callers Verify() what a command reads first, so this finds the block
  // checked; if one did not, a damaged record is logged and refused from
  // then on, though this read gets its bytes.
  if (position != kNoRecord && !index_map_.records.Checked(position)) {
    (void)CheckPosition(position);
  }
  return position;
}

Status Mailbox::ListView() {
  if (!identity_) return Status::Ok();
  SATRAP_RETURN_IF_ERROR(CheckPositions(0, identity_count_));
  const IndexRecords& records = index_map_.records;
  view_.reserve(identity_count_);
  for (uint32_t i = 0; i < identity_count_; ++i) {
    const bool recent = i >= recent_begin_ && i < recent_end_;
    view_.push_back({records.Uid(i), i, recent ? 1u : 0u, 0});
  }
  identity_ = false;
  identity_count_ = recent_begin_ = recent_end_ = 0;
  return Status::Ok();
}

Status Mailbox::ClaimRecent() {
  if (!claims_recent_ || exists() == 0) return Status::Ok();
  if (index_map_.header.recent_uid >= view_last_uid_) return Status::Ok();
  // RFC 3501 §2.3.2: a read-only session sees \Recent on the messages no
  // read-write session has been told of yet, and leaves it for the next.
  if (read_only_) return MarkRecentAbove(index_map_.header.recent_uid);
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, index_->Begin());
  const uint32_t claimed_from = header.recent_uid;
  if (claimed_from >= view_last_uid_) {
    index_->Abort();
    return Status::Ok();
  }
  header.recent_uid = view_last_uid_;
  // \Recent is a hint, not data: no sync for it.
  SATRAP_RETURN_IF_ERROR(CommitHeaderHint(header));
  // (Marked after the commit: a record check may take the index lock,
  // which a transaction holds.)
  return MarkRecentAbove(claimed_from);
}

Status Mailbox::MarkRecentAbove(uint32_t uid) {
  // The messages above `uid` are the view's tail.
  if (identity_) {
    // Message n is record n - 1. (uid is below the last uid: no overflow.)
    const uint32_t from = LowerBoundUid(uid + 1) - 1;
    if (damaged_) return Damaged();  // a probe of the search found damage
    if (recent_begin_ == recent_end_ || from <= recent_end_) {
      recent_begin_ = recent_begin_ == recent_end_ ? from : std::min(recent_begin_, from);
      recent_end_ = identity_count_;
      return Status::Ok();
    }
    // Two runs of \Recent (another session claimed the ones between).
    SATRAP_RETURN_IF_ERROR(ListView());
  }
  for (auto e = view_.rbegin(); e != view_.rend() && e->uid > uid; ++e) e->recent = 1;
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

Result<RefreshChanges> Mailbox::Merge(bool allow_expunges, const MergeScope& scope) {
  if (identity_ && !ShowsAll()) SATRAP_RETURN_IF_ERROR(ListView());
  if (identity_) return MergeIdentity(scope);
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
  SATRAP_RETURN_IF_ERROR(CheckPositions(scope.first_new, records.size()));
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

// Merge() for a view that still shows every record: nothing to expunge, the
// new records join the tail.
Result<RefreshChanges> Mailbox::MergeIdentity(const MergeScope& scope) {
  RefreshChanges changes;
  const IndexRecords& records = index_map_.records;
  if (scope.rewritten) {
    for (uint32_t i = 0; i < identity_count_; ++i) {
      const uint64_t modseq = records.Modseq(i);
      if (modseq <= view_modseq_) continue;
      // Its uid goes out with the announcement: check it (a damaged record
      // is logged and not announced).
      if (!CheckPosition(i).ok()) continue;
      auto own = reported_modseqs_.find(records.Uid(i));
      if (own == reported_modseqs_.end() || modseq > own->second) {
        changes.flags_changed.push_back(i + 1);
      }
    }
  }
  reported_modseqs_.clear();
  const uint32_t before = identity_count_;
  if (records.size() > identity_count_) {
    SATRAP_RETURN_IF_ERROR(CheckPosition(records.size() - 1));
    identity_count_ = records.size();
    view_last_uid_ = records.Uid(identity_count_ - 1);
  }
  view_modseq_ = index_map_.header.highestmodseq;
  changes.exists = exists();
  changes.exists_changed = identity_count_ != before;
  return changes;
}

Result<RefreshChanges> Mailbox::Refresh(bool allow_expunges) {
  const bool replaced = index_->Replaced();
  MappedIndex fresh;
  if (replaced) {
    // reconstruct replaced the file: follow it (our view is rebound by uid).
    // No file at all: the mailbox was deleted or renamed away meanwhile.
    Result<std::unique_ptr<IndexFile>> reopened = IndexFile::Open(dir_fd_.get());
    if (!reopened.ok() && reopened.status().IsMissingFile()) {
      RefreshChanges changes;
      changes.mailbox_gone = true;
      changes.exists = exists();
      return changes;
    }
    SATRAP_RETURN_IF_ERROR(reopened.status());
    // The view is rebound by uid: list it from the old file, then map and
    // check the new one whole; only then swap (on error the session keeps
    // the old file and tries again at the next refresh).
    SATRAP_RETURN_IF_ERROR(ListView());
    IndexFile& next = **reopened;
    SATRAP_RETURN_IF_ERROR(next.HoldOpenShared());
    SATRAP_RETURN_IF_ERROR(next.Map(&fresh));
    if (fresh.records.size() > 0) {
      SATRAP_RETURN_IF_ERROR(next.CheckRecords(fresh.records, 0, fresh.records.size() - 1));
    }
    index_->ReleaseOpen();
    index_ = std::move(*reopened);
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
  SATRAP_ASSIGN_OR_RETURN(changes, Merge(allow_expunges, scope));
  changes.keywords_changed = index_map_.header.keywords_generation != keywords_generation;
  if (exists() > old_exists) SATRAP_RETURN_IF_ERROR(ClaimRecent());
  changes.recent = recent_count();
  return changes;
}

uint32_t Mailbox::Uid(uint32_t msgno) const {
  if (identity_) return index_map_.records.Uid(CheckedPositionOf(msgno));
  CHECK(msgno >= 1 && msgno <= view_.size()) << "msgno " << msgno;
  return view_[msgno - 1].uid;
}

IndexRecord Mailbox::Record(uint32_t msgno) const {
  const uint32_t position = CheckedPositionOf(msgno);
  CHECK(position != kNoRecord) << "record of msgno " << msgno << " is gone";
  return index_map_.records.Decode(position);
}

std::pair<uint64_t, uint32_t> Mailbox::CacheLocation(uint32_t msgno) const {
  const uint32_t position = CheckedPositionOf(msgno);
  CHECK(position != kNoRecord) << "record of msgno " << msgno << " is gone";
  return {index_map_.records.CacheOffset(position), index_map_.records.CacheLength(position)};
}

bool Mailbox::IsExpungePending(uint32_t msgno) const {
  CHECK(msgno >= 1 && msgno <= exists());
  return !identity_ && view_[msgno - 1].expunge_pending;
}

bool Mailbox::IsRecent(uint32_t msgno) const {
  if (identity_) return msgno - 1 >= recent_begin_ && msgno - 1 < recent_end_;
  return view_[msgno - 1].recent;
}

MessageFlags Mailbox::Flags(uint32_t msgno) const {
  const uint32_t position = CheckedPositionOf(msgno);
  MessageFlags flags;
  flags.recent = IsRecent(msgno);
  if (position == kNoRecord) return flags;
  std::optional<IndexRecords::LiveFields> live = index_map_.records.LiveChecked(position);
  if (live) {
    flags.system = live->system_flags;
    flags.keywords = live->keywords;
    flags.modseq = live->modseq;
  } else if (std::optional<IndexRecord> current = CurrentRecord(position)) {
    flags.system = current->system_flags;
    flags.keywords = current->keywords;
    flags.modseq = current->modseq;
  } else {
    return flags;
  }
  flags.system &= kSystemFlagsMask;
  if (!is_owner_) {
    flags.system &= ~kFlagSeen;
    if (seen_ && seen_->IsSeen(Uid(msgno))) flags.system |= kFlagSeen;
  }
  return flags;
}

uint32_t Mailbox::MsgnoOfUid(uint32_t uid) const {
  uint32_t msgno = LowerBoundUid(uid);
  return msgno <= exists() && Uid(msgno) == uid ? msgno : 0;
}

uint32_t Mailbox::LowerBoundUid(uint32_t uid) const {
  uint32_t lo = 1, hi = exists() + 1;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (Uid(mid) < uid) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

uint32_t Mailbox::recent_count() const {
  if (identity_) return recent_end_ - recent_begin_;
  uint32_t n = 0;
  for (const ViewEntry& e : view_) n += e.recent ? 1 : 0;
  return n;
}

Result<uint32_t> Mailbox::FirstUnseen() {
  // The owner's \Seen is in the index, with a hint where to start looking
  // (IndexHeader::unseen_lowwater); others' is in their seen file.
  const uint32_t lowwater = is_owner_ ? index_map_.header.unseen_lowwater : 0;
  uint32_t found = 0;
  // In growing steps, each checked with one read: finding the message in
  // the first block reads one block, a look to the end reads it whole.
  uint32_t step = IndexRecords::kCheckBlock;
  for (uint32_t first = lowwater > 1 ? LowerBoundUid(lowwater) : 1; first <= exists() && found == 0;
       first += step, step = std::min(step * 4, 65536u)) {
    const uint32_t last = std::min(exists(), first + step - 1);
    SATRAP_RETURN_IF_ERROR(Verify(first, last));
    for (uint32_t msgno = first; msgno <= last && found == 0; ++msgno) {
      if (!(Flags(msgno).system & kFlagSeen)) found = msgno;
    }
  }
  if (damaged_) return Damaged();  // perhaps found by LowerBoundUid's probes
  if (is_owner_ && !read_only_) {
    const uint32_t seen_below = found != 0 ? Uid(found) : view_last_uid_ + 1;
    if (seen_below > lowwater) RaiseUnseenLowwater(seen_below);
  }
  return found;
}

void Mailbox::RaiseUnseenLowwater(uint32_t lowwater) {
  Result<IndexHeader> header = index_->Begin();
  // A hint: not keeping it costs the next SELECT a longer look, no more.
  if (!header.ok()) return;
  // Only if nothing changed since the records were looked at: a \Seen
  // cleared meanwhile below `lowwater` would be missed.
  if (header->generation != index_map_.header.generation || header->unseen_lowwater >= lowwater) {
    index_->Abort();
    return;
  }
  header->unseen_lowwater = lowwater;
  (void)CommitHeaderHint(*header);
}

Status Mailbox::CommitHeaderHint(const IndexHeader& header) {
  // When nothing else changed since the last refresh, the mapping's header
  // is the file's but for this change: keep it current, so that the next
  // Refresh() need not look at the index again.
  const bool current = header.generation == index_map_.header.generation;
  SATRAP_RETURN_IF_ERROR(index_->Commit(header, false));
  index_map_.header.recent_uid = header.recent_uid;
  index_map_.header.unseen_lowwater = header.unseen_lowwater;
  if (current) index_map_.header.generation = header.generation + 1;
  return Status::Ok();
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
