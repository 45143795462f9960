// DELETE of one mailbox and RENAME of a subtree (store.h).
//
// Order, for crash safety: the index is marked deleted (sessions that have
// the mailbox open see it vanish) and synced BEFORE the mailboxes.db entry
// goes; a crash in between leaves an entry whose index says deleted, which
// Open() refuses and reconstruct removes.
//
// Rename, in three steps, each leaving something reconstruct -f repairs:
//   1. folders: on one partition one rename(2) moves a folder with all its
//      children (a crash here leaves folders whose header names the old
//      mailbox where mailboxes.db has none: -f moves them back); to another
//      partition the folder is copied under the source's exclusive index
//      lock, held until step 3 so no append or flag change is lost: header
//      (with the new name) first, messages (hard links when the partitions
//      share a file system), cache, index last, all synced (a crash leaves a
//      copy of a mailbox that lives elsewhere: -f removes it);
//   2. one transaction: every new entry and the quota moves (a failure moves
//      the folders back and removes the copies);
//   3. the copied-from indexes are marked deleted (their sessions see the
//      mailbox vanish) and their folders removed (a crash leaves the old
//      folder, a stale copy: -f removes it); the moved folders' headers get
//      their new names (a crash leaves stale names: reconstruct fixes them).
// Renaming one's own INBOX (RFC 3501 §6.3.5) creates the new folder and
// moves every message into it; INBOX stays, with its sub-folders.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "base/strings.h"
#include "log/log.h"
#include "mailbox/append_internal.h"
#include "mailbox/cache_file.h"
#include "mailbox/header_file.h"
#include "mailbox/mailbox.h"
#include "mailbox/names.h"
#include "mailbox/store.h"
#include "mailbox/reconstruct_internal.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {

Status Store::MoveUsage(db::Transaction& txn, std::string_view from_name, std::string_view to_name,
                        uint64_t bytes, uint32_t messages) {
  SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> from, quotas_->FindRoot(&txn, from_name));
  std::optional<quota::QuotaRoot> to;
  if (!to_name.empty()) {
    SATRAP_ASSIGN_OR_RETURN(to, quotas_->FindRoot(&txn, to_name));
  }
  const int64_t b = static_cast<int64_t>(bytes), m = static_cast<int64_t>(messages);
  if (from && (!to || to->root != from->root)) {
    SATRAP_RETURN_IF_ERROR(quotas_->Apply(&txn, from->root, -b, -m));
  }
  if (to && (!from || to->root != from->root)) {
    SATRAP_RETURN_IF_ERROR(quotas_->Apply(&txn, to->root, b, m));
  }
  return Status::Ok();
}

Status Store::DeleteOne(const MailboxEntry& entry, bool drop_root) {
  SATRAP_ASSIGN_OR_RETURN(std::string folder, FolderOf(entry));
  Result<UniqueFd> dir = OpenFolder(folder);
  IndexSnapshot snapshot;
  if (dir.ok()) {
    Result<std::unique_ptr<IndexFile>> index = IndexFile::Open(dir->get());
    if (index.ok()) {
      Result<IndexHeader> header = (*index)->Begin();
      if (header.ok()) {
        Result<std::vector<IndexRecord>> records = (*index)->ReadRecords(0, header->num_records);
        if (records.ok()) snapshot.records = std::move(*records);
        snapshot.header = *header;
        header->options |= kMailboxDeleted;
        SATRAP_RETURN_IF_ERROR((*index)->Commit(*header, true));
      }
    }
  }
  SATRAP_RETURN_IF_ERROR(db::RunTransaction(*env_, [&](db::Transaction& txn) -> Status {
    SATRAP_RETURN_IF_ERROR(mboxlist_->Remove(&txn, entry.name));
    Result<quota::QuotaRoot> own_root = quotas_->Get(&txn, entry.name);
    if (own_root.ok() && drop_root) return quotas_->Remove(&txn, entry.name);
    return MoveUsage(txn, entry.name, "", snapshot.header.quota_used, snapshot.header.exists);
  }));
  if (dir.ok()) RemoveFolderFiles(folder, dir->get(), snapshot);
  return Status::Ok();
}

namespace {

struct Move {
  MailboxEntry old_entry;
  MailboxEntry new_entry;
  std::string old_folder;
  std::string new_folder;
  bool moved = false;  // this folder was renamed by itself (not with a parent)
  std::unique_ptr<IndexFile> locked;  // cross-partition: the source index, locked
  IndexHeader locked_header;          // as read under that lock
  bool copied = false;
  uint64_t bytes = 0;
  uint32_t messages = 0;
  bool cross_partition() const { return old_entry.partition != new_entry.partition; }
};

// Rewrites the name in cyrus.header under the index lock.
Status RenameHeader(const std::string& folder, const std::string& new_name, int file_mode) {
  SATRAP_ASSIGN_OR_RETURN(UniqueFd dir, OpenFolder(folder));
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<IndexFile> index, IndexFile::Open(dir.get()));
  SATRAP_RETURN_IF_ERROR(index->Begin().status());
  Result<MailboxHeader> header = ReadMailboxHeader(dir.get());
  Status status = header.status();
  if (header.ok()) {
    header->name = new_name;
    status = WriteMailboxHeader(dir.get(), *header, file_mode);
  }
  index->Abort();
  return status;
}

// Makes room for a folder at `path`: a tree without any cyrus.header is what
// a copy that died before writing one left behind; with one it is somebody's
// mailbox (kExists).
Status ClearLeftover(const std::string& path) {
  SATRAP_RETURN_IF_ERROR(RemoveHeaderlessTree(path));
  if (PathExists(path)) return Status::Exists("folder " + path + " exists");
  return Status::Ok();
}

// Step 1 for another partition: locks the source index and copies the folder.
Status CopyToPartition(Store& store, Move* m) {
  SATRAP_ASSIGN_OR_RETURN(UniqueFd from, OpenFolder(m->old_folder));
  SATRAP_ASSIGN_OR_RETURN(m->locked, IndexFile::Open(from.get()));
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, m->locked->Begin());
  m->locked_header = header;
  SATRAP_ASSIGN_OR_RETURN(std::vector<IndexRecord> records,
                          m->locked->ReadRecords(0, header.num_records));
  SATRAP_ASSIGN_OR_RETURN(MailboxHeader names, ReadMailboxHeader(from.get()));
  SATRAP_RETURN_IF_ERROR(ClearLeftover(m->new_folder));
  SATRAP_RETURN_IF_ERROR(MakeDirectories(m->new_folder, store.dir_mode()));
  m->copied = true;
  SATRAP_ASSIGN_OR_RETURN(UniqueFd to, OpenFolder(m->new_folder));
  const mode_t mode = store.file_mode();
  names.name = m->new_entry.name;
  SATRAP_RETURN_IF_ERROR(WriteMailboxHeader(to.get(), names, static_cast<int>(mode)));
  IndexSnapshot snapshot{header, {}};
  for (const IndexRecord& r : records) {
    if (r.expunged()) continue;  // the copy starts compacted
    SATRAP_RETURN_IF_ERROR(LinkOrCopyFile(from.get(), MessageFileName(r.uid), to.get(),
                                          MessageFileName(r.uid), mode));
    snapshot.records.push_back(r);
  }
  SATRAP_RETURN_IF_ERROR(LinkOrCopyFile(from.get(), kCacheFileName, to.get(), kCacheFileName, mode));
  RecountHeader(snapshot.records, &snapshot.header);
  snapshot.header.uidnext = header.uidnext;
  if (::fsync(to.get()) < 0) return Status::FromErrno("fsync " + m->new_folder, errno);
  return IndexFile::WriteWhole(to.get(), snapshot, mode);
}

// Step 1: every folder to its new place.
Status MoveFolders(Store& store, std::vector<Move>* moves) {
  for (Move& m : *moves) {
    if (m.cross_partition()) {
      if (PathExists(m.old_folder)) SATRAP_RETURN_IF_ERROR(CopyToPartition(store, &m));
      continue;
    }
    // A child on the same partition moves with its parent.
    if (!PathExists(m.old_folder)) continue;
    SATRAP_RETURN_IF_ERROR(ClearLeftover(m.new_folder));
    SATRAP_RETURN_IF_ERROR(MakeDirectories(DirName(m.new_folder), store.dir_mode()));
    if (::rename(m.old_folder.c_str(), m.new_folder.c_str()) < 0) {
      return Status::FromErrno("rename " + m.old_folder, errno);
    }
    m.moved = true;
  }
  return Status::Ok();
}

// Undoes step 1 after a failure.
void UndoFolders(std::vector<Move>* moves) {
  for (auto it = moves->rbegin(); it != moves->rend(); ++it) {
    if (it->moved) ::rename(it->new_folder.c_str(), it->old_folder.c_str());
    if (it->copied) (void)RemoveFolderContents(it->new_folder);
    if (it->locked) it->locked->Abort();
  }
}

// Step 2: entries and quota usage, in one transaction.
Status CommitMoves(Store& store, std::string_view from, const std::vector<Move>& moves) {
  return db::RunTransaction(store.env(), [&](db::Transaction& txn) -> Status {
    // The root governing each mailbox before the move.
    std::vector<std::string> before;
    for (const Move& m : moves) {
      SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> root,
                              store.quotas().FindRoot(&txn, m.old_entry.name));
      before.push_back(root ? root->root : "");
    }
    for (const Move& m : moves) {
      SATRAP_RETURN_IF_ERROR(store.mboxlist().Remove(&txn, m.old_entry.name));
      SATRAP_RETURN_IF_ERROR(store.mboxlist().Insert(&txn, m.new_entry));
      Result<quota::QuotaRoot> root = store.quotas().Get(&txn, m.old_entry.name);
      if (root.ok() && m.old_entry.name != m.new_entry.name) {
        SATRAP_RETURN_IF_ERROR(store.quotas().Remove(&txn, m.old_entry.name));
        root->root = m.new_entry.name;
        SATRAP_RETURN_IF_ERROR(store.quotas().Put(&txn, *root));
      }
    }
    for (size_t i = 0; i < moves.size(); ++i) {
      // A root inside the subtree moved with its usage.
      if (!before[i].empty() && IsSameOrUnder(before[i], from)) continue;
      SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> after,
                              store.quotas().FindRoot(&txn, moves[i].new_entry.name));
      const int64_t b = static_cast<int64_t>(moves[i].bytes), n = moves[i].messages;
      if (after && after->root == before[i]) continue;
      if (!before[i].empty()) SATRAP_RETURN_IF_ERROR(store.quotas().Apply(&txn, before[i], -b, -n));
      if (after) SATRAP_RETURN_IF_ERROR(store.quotas().Apply(&txn, after->root, b, n));
    }
    return Status::Ok();
  });
}

// Step 3.
void FinishMoves(Store& store, std::vector<Move>* moves) {
  for (auto it = moves->rbegin(); it != moves->rend(); ++it) {  // children first
    Move& m = *it;
    if (m.locked) {
      m.locked_header.options |= kMailboxDeleted;
      Status marked = m.locked->Commit(m.locked_header, true);
      Status removed = marked.ok() ? RemoveFolderContents(m.old_folder) : marked;
      if (!removed.ok()) {
        log::Warning("rename %s: old folder: %s", m.old_entry.name.c_str(),
                     removed.ToString().c_str());
      }
      continue;
    }
    Status s = RenameHeader(m.new_folder, m.new_entry.name, static_cast<int>(store.file_mode()));
    if (!s.ok()) log::Warning("rename %s: header: %s", m.new_entry.name.c_str(), s.ToString().c_str());
  }
}

// The moves of a rename: `from` and its subtree (just `from` when the name
// stays and only the partition changes).
Result<std::vector<Move>> PlanRename(Store& store, std::string_view from, std::string_view to,
                                     std::string_view partition) {
  std::vector<MailboxEntry> subtree;
  if (from == to) {
    SATRAP_ASSIGN_OR_RETURN(MailboxEntry only, store.mboxlist().Lookup(nullptr, from));
    subtree.push_back(only);
  } else {
    SATRAP_ASSIGN_OR_RETURN(subtree, store.mboxlist().Subtree(nullptr, from));
  }
  std::vector<Move> moves;
  for (const MailboxEntry& entry : subtree) {
    Move m;
    m.old_entry = entry;
    m.new_entry = entry;
    m.new_entry.name = ReplacePrefix(entry.name, from, to);
    if (!partition.empty()) m.new_entry.partition = std::string(partition);
    SATRAP_ASSIGN_OR_RETURN(m.old_folder, store.FolderOf(m.old_entry));
    SATRAP_ASSIGN_OR_RETURN(m.new_folder, store.FolderOf(m.new_entry));
    if (Result<UniqueFd> dir = OpenFolder(m.old_folder); dir.ok()) {
      if (Result<IndexSnapshot> snap = ReadIndexOf(dir->get()); snap.ok()) {
        m.bytes = snap->header.quota_used;
        m.messages = snap->header.exists;
      }
    }
    moves.push_back(std::move(m));
  }
  return moves;
}

}  // namespace

Status Store::Rename(const acl::Identity& who, std::string_view from, std::string_view to,
                     std::string_view partition) {
  SATRAP_RETURN_IF_ERROR(ValidateName(to));
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry top, LookupWithRights(who, from, acl::kDeleteMailbox));
  if (!partition.empty()) {
    if (!who.is_admin) return Status::NoPermission("only admins pick partitions");
    SATRAP_RETURN_IF_ERROR(options_.partitions.Root(partition).status());
  }
  if (IsUserInbox(from) && !who.is_admin) return RenameInbox(who, top, to);
  if (from == to) {
    if (partition.empty() || partition == top.partition) return Status::Exists("same name");
  } else {
    if (IsSameOrUnder(to, from)) return Status::Invalid("cannot rename a mailbox under itself");
    SATRAP_ASSIGN_OR_RETURN(std::optional<MailboxEntry> ancestor, NearestAncestor(to));
    if (ancestor && IsSameOrUnder(ancestor->name, from)) ancestor.reset();
    SATRAP_RETURN_IF_ERROR(CheckCreateRights(who, to, ancestor));
    SATRAP_ASSIGN_OR_RETURN(std::vector<MailboxEntry> existing, mboxlist_->Subtree(nullptr, to));
    if (!existing.empty()) return Status::Exists(std::string(to) + " exists");
  }
  SATRAP_ASSIGN_OR_RETURN(std::vector<Move> moves, PlanRename(*this, from, to, partition));
  Status done = MoveFolders(*this, &moves);
  if (done.ok()) done = CommitMoves(*this, from, moves);
  if (!done.ok()) {
    UndoFolders(&moves);
    return done;
  }
  FinishMoves(*this, &moves);
  if (from != to) RenameSubscriptions(who, from, to);
  return Status::Ok();
}

Status Store::RenameInbox(const acl::Identity& who, const MailboxEntry& inbox, std::string_view to) {
  if (!IsSameOrUnder(to, inbox.name) || to == inbox.name) {
    return Status::NoPermission("INBOX can only be renamed beneath itself");
  }
  // The messages leave the INBOX: reading and expunging them must be allowed.
  if (!Evaluate(inbox, who).Has(acl::kRead | acl::kDeleteMessage | acl::kExpunge)) {
    return Status::NoPermission("renaming INBOX needs r, t and e on it");
  }
  SATRAP_RETURN_IF_ERROR(Create(who, to));
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry target, mboxlist_->Lookup(nullptr, to));
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<Mailbox> box,
                          OpenEntry(who, inbox, Evaluate(inbox, who), false, nullptr));
  if (box->exists() == 0) return Status::Ok();
  std::vector<uint32_t> msgnos(box->exists());
  for (uint32_t i = 0; i < msgnos.size(); ++i) msgnos[i] = i + 1;
  std::vector<uint32_t> uids;
  SATRAP_ASSIGN_OR_RETURN(std::vector<PreparedMessage> prepared,
                          PrepareFromMailbox(*box, msgnos, &uids));
  SATRAP_ASSIGN_OR_RETURN(std::string folder, FolderOf(target));
  SATRAP_ASSIGN_OR_RETURN(UniqueFd dir, OpenFolder(folder));
  // Both lie under the INBOX's quota root: the move is net zero.
  SATRAP_RETURN_IF_ERROR(
      AppendToFolder(*this, target, dir.get(), prepared, quota::QuotaCheck::kNone).status());
  return box->ExpungeUids(uids);
}

}  // namespace satrap::mailbox
