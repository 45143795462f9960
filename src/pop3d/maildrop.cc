// The POP3 session's view of the INBOX (maildrop.h).
#include "maildrop.h"

#include "base/check.h"
#include "base/strings.h"
#include <ctime>

#include "mailbox/index_format.h"

namespace satrap::pop3d {

Result<std::unique_ptr<Maildrop>> Maildrop::Open(mailbox::Store& store, const acl::Identity& who,
                                                 const mailbox::MaildropOptions& options,
                                                 UidlFormat uidl_format) {
  mailbox::MaildropOptions opened = options;
  if (opened.now == 0) opened.now = static_cast<int64_t>(::time(nullptr));
  SATRAP_ASSIGN_OR_RETURN(std::unique_ptr<mailbox::Mailbox> mailbox,
                          store.OpenMaildrop(who, opened));
  return std::unique_ptr<Maildrop>(new Maildrop(std::move(mailbox), opened, uidl_format));
}

Maildrop::Maildrop(std::unique_ptr<mailbox::Mailbox> mailbox,
                   const mailbox::MaildropOptions& options, UidlFormat uidl_format)
    : mailbox_(std::move(mailbox)),
      uidl_format_(uidl_format),
      popuseimapflags_(options.popuseimapflags),
      login_time_(options.now) {
  const uint32_t exists = mailbox_->exists();
  messages_.reserve(exists);
  for (uint32_t msgno = 1; msgno <= exists; ++msgno) {
    const mailbox::IndexRecord& record = mailbox_->Record(msgno);
    messages_.push_back(Message{record.uid, record.size, false, false});
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

void Maildrop::MarkRetrieved(uint32_t msgno) {
  CHECK(Exists(msgno));
  messages_[msgno - 1].retrieved = true;
}

void Maildrop::ResetMarks() {
  for (Message& m : messages_) m.deleted = m.retrieved = false;
}

Result<UniqueFd> Maildrop::OpenMessage(uint32_t msgno) const {
  CHECK(Exists(msgno));
  // The mailbox view is never refreshed with expunges allowed, so POP3
  // numbers and mailbox msgnos stay the same for the whole session.
  return mailbox_->OpenMessage(msgno);
}

// popuseimapflags: retrieved messages become \Seen, as an IMAP client would
// have marked them. Without the `s` right the store drops the flag (RFC 4314).
Status Maildrop::MarkSeen() {
  std::vector<uint32_t> msgnos;
  for (uint32_t msgno = 1; msgno <= count(); ++msgno) {
    const Message& m = messages_[msgno - 1];
    if (m.retrieved && !m.deleted) msgnos.push_back(msgno);
  }
  if (msgnos.empty()) return Status();
  mailbox::FlagChange change;
  change.op = mailbox::FlagOp::kAdd;
  change.system = mailbox::kFlagSeen;
  Result<mailbox::StoreOutcome> outcome = mailbox_->StoreFlags(msgnos, change);
  // Not being able to keep \Seen (no `s` right) is no reason to fail QUIT.
  if (!outcome.ok() && outcome.code() != Code::kNoPermission) return outcome.status();
  return Status();
}

Status Maildrop::Commit() {
  if (popuseimapflags_) SATRAP_RETURN_IF_ERROR(MarkSeen());
  std::vector<uint32_t> uids;
  for (const Message& m : messages_) {
    if (m.deleted) uids.push_back(m.uid);
  }
  if (!uids.empty()) SATRAP_RETURN_IF_ERROR(mailbox_->ExpungeUids(uids));
  // Cyrus records the login for popminpoll when the session ends in UPDATE.
  return mailbox_->SetPop3LastLogin(login_time_);
}

}  // namespace satrap::pop3d
