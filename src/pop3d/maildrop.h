// Maildrop: the POP3 view of one user's INBOX for one session (RFC 1939 §6,
// §8): the messages numbered 1..count() at login, the session's deletion
// marks, and the UPDATE step that expunges the marked messages at QUIT.
//
// The rules (rights, popuseacl, the lock against a second POP3 session,
// popminpoll, popuseimapflags' hiding of \Deleted messages, quota accounting
// of the expunge) belong to the store (Store::OpenMaildrop); this class only
// keeps POP3's session state over the mailbox::Mailbox it returns. Messages
// that another session (IMAP) expunges after login keep their numbers;
// retrieving one then fails (kNotFound), as RFC 1939 lets a server report.
//
// A dropped connection never reaches Commit(): destroying a Maildrop
// without Commit() deletes nothing (RFC 1939 §6).
//
// Borrows the Store, which must outlive it. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "acl/identity.h"
#include "base/file.h"
#include "base/result.h"
#include "mailbox/mailbox.h"
#include "mailbox/store.h"
#include "pop3d/uidl.h"

namespace satrap::pop3d {

class Maildrop {
 public:
  // Opens `who`'s INBOX for POP3 (Store::OpenMaildrop with `options`). The
  // store's Status on failure: kInUse, kRateLimited (popminpoll),
  // kNotFound, kNoPermission, kTempFail, kCorrupt...
  static Result<std::unique_ptr<Maildrop>> Open(mailbox::Store& store, const acl::Identity& who,
                                                const mailbox::MaildropOptions& options,
                                                UidlFormat uidl_format);
  ~Maildrop();

  // Messages numbered at login, deleted ones included.
  uint32_t count() const { return static_cast<uint32_t>(messages_.size()); }
  // True for 1..count() not marked deleted (RFC 1939: any other number,
  // or a deleted message, is "no such message").
  bool Exists(uint32_t msgno) const;
  // Exists(msgno) must hold for these.
  uint64_t Size(uint32_t msgno) const;
  std::string UniqueId(uint32_t msgno) const;
  // STAT: messages and octets not marked deleted.
  uint32_t live_count() const;
  uint64_t live_size() const;

  void MarkDeleted(uint32_t msgno);
  // RETR: with popuseimapflags the message gets \Seen at QUIT.
  void MarkRetrieved(uint32_t msgno);
  // RSET: unmarks everything (deleted and retrieved).
  void ResetMarks();
  // The stored message file (exact bytes, CRLF). kNotFound when it was
  // expunged by another session since login.
  Result<UniqueFd> OpenMessage(uint32_t msgno) const;

  // UPDATE state (RFC 1939 §6): with popuseimapflags sets \Seen on the
  // retrieved messages, expunges the marked ones through the store (quota
  // usage follows; messages already expunged by others are skipped) and
  // records the login time for popminpoll. The store's Status on failure
  // (kNoPermission without `t`/`e`).
  Status Commit();
  size_t marked_count() const;

 private:
  struct Message {
    uint32_t uid;
    uint64_t size;
    bool deleted;
    bool retrieved;
  };
  Maildrop(std::unique_ptr<mailbox::Mailbox> mailbox, const mailbox::MaildropOptions& options,
           UidlFormat uidl_format);
  Status MarkSeen();

  std::unique_ptr<mailbox::Mailbox> mailbox_;
  UidlFormat uidl_format_;
  bool popuseimapflags_;
  int64_t login_time_;
  std::vector<Message> messages_;
};

}  // namespace satrap::pop3d
