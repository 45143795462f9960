// Recipient resolution: an LMTP RCPT address to the mailbox it names.
//
// The rules come from the Cyrus FAQ (seed 002, "plus addressing") and the
// lmtpd options in imapd.conf:
//   user[@domain]            the user's INBOX
//   user+detail[@domain]     the user's folder `detail` (INBOX.detail), if
//                            the poster has `p` there; otherwise INBOX (the
//                            fallback is done at delivery, by the store's
//                            answer, never by a rights check here)
//   postuser+folder[@domain] the shared folder `folder` (bulletin boards);
//   +folder[@domain]         the same when postuser is empty
// `lmtp_downcase_rcpt` lower-cases the user part (never the detail: folder
// names are case-sensitive). With `virtdomains`, the userid is
// user@domain unless the domain is `defaultdomain`; without it the domain
// is ignored. A detail or shared folder name uses the site's hierarchy
// separator ('/' with `unixhierarchysep`, where a '.' inside a level is
// stored as '^').
//
// Pure: no I/O; whether the mailbox exists is the caller's question
// (delivery.h asks the store).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "config/imapd_config.h"
#include "protocol/smtp.h"

namespace satrap::lmtpd {

struct RecipientOptions {
  bool downcase = true;           // lmtp_downcase_rcpt
  bool virtdomains = false;       // virtdomains != off
  std::string defaultdomain;      // defaultdomain
  std::string postuser;           // postuser
  bool unixhierarchysep = false;  // unixhierarchysep

  static RecipientOptions FromConfig(const config::Config& config);
};

struct Recipient {
  enum class Kind { kUser, kShared };
  std::string address;  // the address as received ("alice+x@example.com"), for logs
  Kind kind = Kind::kUser;
  // kUser: the canonical userid ("alice", "bob@example.com") and the
  // internal name of the INBOX ("user.alice", "example.com!user.bob").
  std::string userid;
  std::string inbox;
  // kUser: the internal name of the +detail folder, or empty (no detail, or
  // a detail that is not a valid mailbox name: Cyrus then files to INBOX).
  // kShared: the internal name of the shared folder.
  std::string folder;
  std::string detail;  // the raw detail after '+', for logs and Sieve
};

// Resolves `path`. kInvalid for an address that names no mailbox at all
// (empty user part, an invalid userid, a +folder that is not a valid
// shared mailbox name); the session answers it like an unknown user.
Result<Recipient> ResolveAddress(const protocol::MailPath& path, const RecipientOptions& options);

// A folder name in the site's separator convention ("a/b" with
// unixhierarchysep, "a.b" otherwise) to internal components joined by '.'.
std::string FolderToInternal(std::string_view folder, bool unixhierarchysep);

}  // namespace satrap::lmtpd
