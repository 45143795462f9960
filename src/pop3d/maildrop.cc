// The POP3 session's view of the INBOX (maildrop.h).
#include "maildrop.h"

#include "base/check.h"
#include "base/strings.h"
#include "mailbox/names.h"

namespace satrap::pop3d {

Result<std::unique_ptr<Maildrop>> Maildrop::Open(mailbox::Store& store, const acl::Identity& who,
                                                 UidlFormat uidl_format) {
  // TODO(pop3d): Store::OpenMaildrop (popuseacl, the POP3 lock, popminpoll);
  // see /work/notes/pop3d-needs-from-store.md.
  SATRAP_ASSIGN_OR_RETURN(std::string inbox,
                          mailbox::UserInboxName(who.userid, store.options().ns.virtdomains));
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<mailbox::Mailbox> mailbox,
                          store.Open(who, inbox, /*read_only=*/false));
  return std::unique_ptr<Maildrop>(new Maildrop(std::move(mailbox), uidl_format));
}

Maildrop::Maildrop(std::unique_ptr<mailbox::Mailbox> mailbox, UidlFormat uidl_format)
    : mailbox_(std::move(mailbox)), uidl_format_(uidl_format) {
  const uint32_t exists = mailbox_->exists();
  messages_.reserve(exists);
  for (uint32_t msgno = 1; msgno <= exists; ++msgno) {
    const mailbox::IndexRecord& record = mailbox_->Record(msgno);
    messages_.push_back(Message{record.uid, record.size, false});
  }
}

Maildrop::~Maildrop() = default;

bool Maildrop::Exists(uint32_t msgno) const {
  return msgno >= 1 && msgno <= count() && !messages_[msgno - 1].deleted;
}

uint64_t Maildrop::Size(uint32_t msgno) const {
  CHECK(Exists(msgno));
  return messages_[msgno - 1].size;
}

std::string Maildrop::UniqueId(uint32_t msgno) const {
  CHECK(Exists(msgno));
  return FormatUidl(uidl_format_, mailbox_->uidvalidity(), messages_[msgno - 1].uid);
}

uint32_t Maildrop::live_count() const {
  uint32_t n = 0;
  for (const Message& m : messages_) n += m.deleted ? 0 : 1;
  return n;
}

uint64_t Maildrop::live_size() const {
  uint64_t n = 0;
  for (const Message& m : messages_) n += m.deleted ? 0 : m.size;
  return n;
}

size_t Maildrop::marked_count() const { return count() - live_count(); }

void Maildrop::MarkDeleted(uint32_t msgno) {
  CHECK(Exists(msgno));
  messages_[msgno - 1].deleted = true;
}

void Maildrop::ResetMarks() {
  for (Message& m : messages_) m.deleted = false;
}

Result<UniqueFd> Maildrop::OpenMessage(uint32_t msgno) const {
  CHECK(Exists(msgno));
  // The mailbox view is never refreshed with expunges allowed, so POP3
  // numbers and mailbox msgnos stay the same for the whole session.
  return mailbox_->OpenMessage(msgno);
}

Status Maildrop::Commit() {
  std::vector<uint32_t> uids;
  for (const Message& m : messages_) {
    if (m.deleted) uids.push_back(m.uid);
  }
  if (uids.empty()) return Status();
  return mailbox_->ExpungeMoved(uids);
}

}  // namespace satrap::pop3d
