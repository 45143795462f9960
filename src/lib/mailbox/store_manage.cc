// CREATE, DELETE, RENAME and the ACL commands (store.h).
#include <fcntl.h>
#include <unistd.h>

#include <ctime>

#include "base/strings.h"
#include "log/log.h"
#include "mailbox/cache_file.h"
#include "mailbox/header_file.h"
#include "mailbox/index_file.h"
#include "mailbox/names.h"
#include "mailbox/special_use.h"
#include "mailbox/store.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {
namespace {

// Cyrus ACL_ALL: every RFC 4314 right, none of the user-defined 0-9.
constexpr acl::Rights kOwnerRights = acl::kLookup | acl::kRead | acl::kSeen | acl::kWrite |
                                     acl::kInsert | acl::kPost | acl::kCreateMailbox |
                                     acl::kDeleteMailbox | acl::kDeleteMessage | acl::kExpunge |
                                     acl::kAdmin | acl::kAnnotate;

}  // namespace

std::string Store::InitialAcl(std::string_view name,
                              const std::optional<MailboxEntry>& parent) const {
  if (parent) return parent->acl;
  acl::Acl acl;
  if (std::optional<std::string> owner = OwnerOf(name); owner && IsUserInbox(name)) {
    // "A new user.* folder has all privileges granted to the user": Cyrus's
    // ACL_ALL, the RFC 4314 rights without the user-defined 0-9
    // (`lrswipkxtecdan`, what cyradm's `lam` shows).
    (void)acl.Apply(*owner, {acl::RightsChange::Mode::kReplace, kOwnerRights});
    return acl.Format(options_.rights_syntax);
  }
  std::vector<std::string_view> words = SplitWhitespace(options_.defaultacl);
  for (size_t i = 0; i + 1 < words.size(); i += 2) {
    Result<acl::RightsChange> change = acl::ParseRightsChange(words[i + 1], options_.rights_syntax);
    if (change.ok()) (void)acl.Apply(words[i], *change);
  }
  return acl.Format(options_.rights_syntax);
}

Status Store::CreateFolder(const MailboxEntry& entry) {
  SATRAP_ASSIGN_OR_RETURN(std::string folder, FolderOf(entry));
  SATRAP_RETURN_IF_ERROR(MakeDirectories(folder, dir_mode()));
  SATRAP_ASSIGN_OR_RETURN(UniqueFd dir, OpenFolder(folder));
  SATRAP_RETURN_IF_ERROR(WriteMailboxHeader(dir.get(), {entry.name, entry.uniqueid, {}},
                                            static_cast<int>(file_mode())));
  int cache = ::openat(dir.get(), kCacheFileName, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                       file_mode());
  if (cache < 0) return Status::FromErrno("create cyrus.cache", errno);
  ::close(cache);
  IndexSnapshot empty;
  empty.header.uidvalidity = static_cast<uint32_t>(::time(nullptr));
  return IndexFile::WriteWhole(dir.get(), empty, file_mode());
}

Result<std::optional<MailboxEntry>> Store::NearestAncestor(std::string_view name) {
  std::optional<std::string> parent = ParentName(name);
  while (parent) {
    Result<MailboxEntry> entry = mboxlist_->Lookup(nullptr, *parent);
    if (entry.ok() && !(entry->type & kTypeReserved)) return std::optional<MailboxEntry>(*entry);
    if (!entry.ok() && !entry.status().Is(Code::kNotFound)) return entry.status();
    parent = ParentName(*parent);
  }
  return std::optional<MailboxEntry>();
}

Status Store::CheckCreateRights(const acl::Identity& who, std::string_view name,
                                const std::optional<MailboxEntry>& ancestor) {
  if (who.is_admin) return Status::Ok();
  if (ancestor && Evaluate(*ancestor, who).Has(acl::kCreateMailbox)) return Status::Ok();
  return Status::NoPermission("may not create " + std::string(name));
}

Status Store::Create(const acl::Identity& who, std::string_view name, std::string_view partition,
                     uint32_t special_use) {
  SATRAP_RETURN_IF_ERROR(ValidateName(name));
  // As Cyrus (mboxlist_createmailboxcheck): an existing name the caller may
  // see is kExists before any rights question ("CREATE INBOX" by its owner);
  // offlineimap goes on only on [ALREADYEXISTS].
  if (Result<MailboxEntry> existing = LookupWithRights(who, name, acl::kLookup); existing.ok()) {
    return Status::Exists(std::string(name) + " already exists");
  }
  SATRAP_ASSIGN_OR_RETURN(std::optional<MailboxEntry> ancestor, NearestAncestor(name));
  SATRAP_RETURN_IF_ERROR(CheckCreateRights(who, name, ancestor));
  if (!partition.empty() && !who.is_admin) return Status::NoPermission("only admins pick partitions");
  if (special_use != 0 && !MaySetSpecialUse(who, name)) {
    return Status::NoPermission("only the owner or an admin sets special-use attributes");
  }
  MailboxEntry entry;
  entry.name = std::string(name);
  entry.partition = !partition.empty() ? std::string(partition)
                    : ancestor         ? ancestor->partition
                                       : options_.partitions.default_name();
  SATRAP_RETURN_IF_ERROR(options_.partitions.Root(entry.partition).status());
  entry.uniqueid = NewUniqueId();
  entry.acl = InitialAcl(name, ancestor);
  // Reserve the name first: of two concurrent creators exactly one wins the
  // insert, and only the winner touches the folder.
  entry.type = kTypeReserved;
  SATRAP_RETURN_IF_ERROR(mboxlist_->Insert(nullptr, entry));
  Status made = CreateFolder(entry);
  if (!made.ok()) {
    (void)mboxlist_->Remove(nullptr, entry.name);
    return made;
  }
  entry.type = TypeWithSpecialUse(0, special_use);
  return mboxlist_->Put(nullptr, entry);
}

Status Store::CreateUser(std::string_view userid) {
  SATRAP_ASSIGN_OR_RETURN(std::string inbox, UserInboxName(userid, options_.ns.virtdomains));
  acl::Identity admin = MakeIdentity("");
  admin.is_admin = true;
  SATRAP_RETURN_IF_ERROR(Create(admin, inbox));
  if (options_.autocreate_quota_kb >= 0 || options_.autocreate_quota_messages >= 0) {
    SATRAP_RETURN_IF_ERROR(SetQuota(admin, inbox, options_.autocreate_quota_kb,
                                    options_.autocreate_quota_messages));
  }
  for (const std::string& folder : options_.autocreate_inbox_folders) {
    Status made = Create(admin, inbox + kSeparator + folder);
    if (!made.ok() && !made.Is(Code::kExists)) {
      log::Warning("autocreate %s.%s: %s", inbox.c_str(), folder.c_str(), made.ToString().c_str());
    }
  }
  return Status::Ok();
}

Status Store::Delete(const acl::Identity& who, std::string_view name) {
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry entry, LookupWithRights(who, name, acl::kDeleteMailbox));
  std::vector<MailboxEntry> victims{entry};
  const bool whole_user = IsUserInbox(name) && who.is_admin;
  if (whole_user) {
    SATRAP_ASSIGN_OR_RETURN(victims, mboxlist_->Subtree(nullptr, name));
  }
  // Children first, so a folder is empty of sub-folders when removed.
  for (auto it = victims.rbegin(); it != victims.rend(); ++it) {
    SATRAP_RETURN_IF_ERROR(DeleteOne(*it, whole_user));
  }
  return Status::Ok();
}

Status Store::SetAcl(const acl::Identity& who, std::string_view name, std::string_view identifier,
                     std::string_view rights_change) {
  SATRAP_ASSIGN_OR_RETURN(acl::RightsChange change,
                          acl::ParseRightsChange(rights_change, options_.rights_syntax));
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry entry, LookupWithRights(who, name, acl::kAdmin));
  SATRAP_ASSIGN_OR_RETURN(acl::Acl acl, acl::Acl::Parse(entry.acl, options_.rights_syntax));
  SATRAP_RETURN_IF_ERROR(acl.Apply(identifier, change));
  entry.acl = acl.Format(options_.rights_syntax);
  return mboxlist_->Put(nullptr, entry);
}

Status Store::DeleteAcl(const acl::Identity& who, std::string_view name,
                        std::string_view identifier) {
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry entry, LookupWithRights(who, name, acl::kAdmin));
  SATRAP_ASSIGN_OR_RETURN(acl::Acl acl, acl::Acl::Parse(entry.acl, options_.rights_syntax));
  acl.Remove(identifier);
  entry.acl = acl.Format(options_.rights_syntax);
  return mboxlist_->Put(nullptr, entry);
}

Result<acl::Acl> Store::GetAcl(const acl::Identity& who, std::string_view name) {
  SATRAP_ASSIGN_OR_RETURN(MailboxEntry entry, LookupWithRights(who, name, acl::kAdmin));
  return acl::Acl::Parse(entry.acl, options_.rights_syntax);
}

}  // namespace satrap::mailbox
