// DELETE of one mailbox and RENAME of a subtree (store.h).
//
// Order, for crash safety: the index is marked deleted (sessions that have
// the mailbox open see it vanish) and synced BEFORE the mailboxes.db entry
// goes; a crash in between leaves an entry whose index says deleted, which
// Open() refuses and reconstruct removes. Rename moves the folders first
// (one rename(2) moves a folder with all its children on one partition),
// then commits every new entry and quota change in one transaction; if the
// transaction fails the folders are moved back.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "base/strings.h"
#include "log/log.h"
#include "mailbox/header_file.h"
#include "mailbox/names.h"
#include "mailbox/store.h"
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
  uint64_t bytes = 0;
  uint32_t messages = 0;
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

}  // namespace

Status Store::Rename(const acl::Identity& who, std::string_view from, std::string_view to) {
  SATRAP_RETURN_IF_ERROR(ValidateName(to));
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry top, LookupWithRights(who, from, acl::kDeleteMailbox));
  if (IsUserInbox(from) && !who.is_admin) {
    return Status::Unsupported("renaming INBOX is not supported yet");
  }
  if (IsSameOrUnder(to, from)) return Status::Invalid("cannot rename a mailbox under itself");
  SATRAP_ASSIGN_OR_RETURN(std::optional<MailboxEntry> ancestor, NearestAncestor(to));
  if (ancestor && IsSameOrUnder(ancestor->name, from)) ancestor.reset();
  SATRAP_RETURN_IF_ERROR(CheckCreateRights(who, to, ancestor));
  SATRAP_ASSIGN_OR_RETURN(std::vector<MailboxEntry> existing, mboxlist_->Subtree(nullptr, to));
  if (!existing.empty()) return Status::Exists(std::string(to) + " exists");
  SATRAP_ASSIGN_OR_RETURN(std::vector<MailboxEntry> subtree, mboxlist_->Subtree(nullptr, from));

  std::vector<Move> moves;
  for (const MailboxEntry& entry : subtree) {
    Move m;
    m.old_entry = entry;
    m.new_entry = entry;
    m.new_entry.name = ReplacePrefix(entry.name, from, to);
    SATRAP_ASSIGN_OR_RETURN(m.old_folder, FolderOf(m.old_entry));
    SATRAP_ASSIGN_OR_RETURN(m.new_folder, FolderOf(m.new_entry));
    if (Result<UniqueFd> dir = OpenFolder(m.old_folder); dir.ok()) {
      if (Result<IndexSnapshot> snap = ReadIndexOf(dir->get()); snap.ok()) {
        m.bytes = snap->header.quota_used;
        m.messages = snap->header.exists;
      }
    }
    moves.push_back(std::move(m));
  }
  // Folders: a child on the same partition moves with its parent.
  for (Move& m : moves) {
    if (!PathExists(m.old_folder)) continue;
    if (PathExists(m.new_folder)) return Status::Exists("folder " + m.new_folder + " exists");
    SATRAP_RETURN_IF_ERROR(MakeDirectories(DirName(m.new_folder), dir_mode()));
    if (::rename(m.old_folder.c_str(), m.new_folder.c_str()) < 0) {
      return Status::FromErrno("rename " + m.old_folder, errno);
    }
    m.moved = true;
  }
  Status committed = db::RunTransaction(*env_, [&](db::Transaction& txn) -> Status {
    // The root governing each mailbox before the move.
    std::vector<std::string> before;
    for (const Move& m : moves) {
      SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> root,
                              quotas_->FindRoot(&txn, m.old_entry.name));
      before.push_back(root ? root->root : "");
    }
    for (const Move& m : moves) {
      SATRAP_RETURN_IF_ERROR(mboxlist_->Remove(&txn, m.old_entry.name));
      SATRAP_RETURN_IF_ERROR(mboxlist_->Insert(&txn, m.new_entry));
      Result<quota::QuotaRoot> root = quotas_->Get(&txn, m.old_entry.name);
      if (root.ok()) {
        SATRAP_RETURN_IF_ERROR(quotas_->Remove(&txn, m.old_entry.name));
        root->root = m.new_entry.name;
        SATRAP_RETURN_IF_ERROR(quotas_->Put(&txn, *root));
      }
    }
    for (size_t i = 0; i < moves.size(); ++i) {
      // A root inside the subtree moved with its usage.
      if (!before[i].empty() && IsSameOrUnder(before[i], from)) continue;
      SATRAP_ASSIGN_OR_RETURN(std::optional<quota::QuotaRoot> after,
                              quotas_->FindRoot(&txn, moves[i].new_entry.name));
      const int64_t b = static_cast<int64_t>(moves[i].bytes), n = moves[i].messages;
      if (after && after->root == before[i]) continue;
      if (!before[i].empty()) SATRAP_RETURN_IF_ERROR(quotas_->Apply(&txn, before[i], -b, -n));
      if (after) SATRAP_RETURN_IF_ERROR(quotas_->Apply(&txn, after->root, b, n));
    }
    return Status::Ok();
  });
  if (!committed.ok()) {
    for (auto it = moves.rbegin(); it != moves.rend(); ++it) {
      if (it->moved) ::rename(it->new_folder.c_str(), it->old_folder.c_str());
    }
    return committed;
  }
  for (const Move& m : moves) {
    Status s = RenameHeader(m.new_folder, m.new_entry.name, static_cast<int>(file_mode()));
    if (!s.ok()) log::Warning("rename %s: header: %s", m.new_entry.name.c_str(), s.ToString().c_str());
  }
  RenameSubscriptions(who, from, to);
  return Status::Ok();
}

}  // namespace satrap::mailbox
