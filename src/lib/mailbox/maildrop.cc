// POP3 maildrops: Store::OpenMaildrop, the POP3 lock and popminpoll
// (store.h, mailbox.h).
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <ctime>

#include "mailbox/mailbox.h"
#include "mailbox/names.h"
#include "mailbox/store.h"
#include "mailbox/store_internal.h"

namespace satrap::mailbox {

MaildropOptions MaildropOptions::FromConfig(const config::Config& config) {
  MaildropOptions o;
  o.popuseacl = config.GetBool("popuseacl");
  o.popuseimapflags = config.GetBool("popuseimapflags");
  o.popminpoll_seconds = config.GetDuration("popminpoll");
  return o;
}

Result<UniqueFd> TakePop3Lock(const std::string& folder) {
  // A descriptor of its own: flock locks belong to the open file description,
  // so the lock lives exactly as long as this descriptor (or the process).
  SATRAP_ASSIGN_OR_RETURN(UniqueFd fd, OpenFolder(folder));
  for (;;) {
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return fd;
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return Status::InUse("maildrop is locked by another POP3 session");
    return Status::FromErrno("flock " + folder, errno);
  }
}

Result<std::unique_ptr<Mailbox>> Store::OpenMaildrop(const acl::Identity& who,
                                                     const MaildropOptions& options) {
  if (who.anonymous || who.userid.empty()) return Status::Invalid("no maildrop for this login");
  SATRAP_ASSIGN_OR_RETURN(std::string inbox, UserInboxName(who.userid, options_.ns.virtdomains));
  const std::string name = options.folder.empty() ? inbox : inbox + kSeparator + options.folder;
  SATRAP_RETURN_IF_ERROR(ValidateName(name));
  Result<MailboxEntry> entry = mboxlist_->Lookup(nullptr, name);
  if (!entry.ok() && entry.status().Is(Code::kNotFound) && options.folder.empty() &&
      options_.autocreate) {
    Status made = CreateUser(who.userid);
    if (!made.ok() && !made.Is(Code::kExists)) return made;
    entry = mboxlist_->Lookup(nullptr, name);
  }
  if (!entry.ok() || (entry->type & kTypeReserved)) {
    if (entry.ok() || entry.status().Is(Code::kNotFound)) return Status::NotFound("no maildrop");
    return entry.status();
  }
  acl::Rights rights = acl::kAllRights;
  if (options.popuseacl) {
    rights = Evaluate(*entry, who);
    if (!rights.Has(acl::kRead)) {
      if (!rights.Has(acl::kLookup)) return Status::NotFound("no maildrop");
      return Status::NoPermission("missing right r on the maildrop");
    }
  }
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<Mailbox> mailbox,
                          OpenEntry(who, *entry, rights, /*read_only=*/false, &options));
  const int64_t now = options.now != 0 ? options.now : static_cast<int64_t>(::time(nullptr));
  const int64_t last = mailbox->pop3_last_login();
  if (options.popminpoll_seconds > 0 && last > 0 && now - last < options.popminpoll_seconds) {
    return Status::RateLimited("POP3 logins too close together (popminpoll)");
  }
  return mailbox;
}

Status Mailbox::SetPop3LastLogin(int64_t when) {
  SATRAP_ASSIGN_OR_RETURN(IndexHeader header, index_->Begin());
  header.pop3_last_login = when;
  // A hint for the next login, not mail: no sync of its own.
  SATRAP_RETURN_IF_ERROR(index_->Commit(header, false));
  index_map_.header.pop3_last_login = when;
  return Status::Ok();
}

}  // namespace satrap::mailbox
