// Flags on the wire (RFC 3501 §2.3.2): formatting a message's or a
// mailbox's flags, and parsing the flag lists of STORE and APPEND.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "mailbox/mailbox.h"
#include "protocol/imap_arg.h"

namespace satrap::imapd {

struct ParsedFlags {
  uint32_t system = 0;  // mailbox::kFlag*
  std::vector<std::string> keywords;
};

// "(\Seen \Recent $Label1)" for message `msgno` of `mailbox`.
std::string FormatFlags(const mailbox::Mailbox& mailbox, uint32_t msgno);
// The same, appended to `out`.
void AppendFlags(const mailbox::Mailbox& mailbox, uint32_t msgno, std::string* out);
// The FLAGS response: every system flag and the mailbox's keywords.
std::string MailboxFlags(const mailbox::Mailbox& mailbox);
// The PERMANENTFLAGS list: what this session may change (by its rights),
// with \* when it may create keywords; "()" in a read-only view.
std::string PermanentFlags(const mailbox::Mailbox& mailbox);
// flag-list elements (atoms). \Recent and unknown \-flags are kInvalid
// (RFC 3501 §9: flag-extension is reserved), as are non-atoms.
Result<ParsedFlags> ParseFlags(std::span<const protocol::ImapArg> flags);

}  // namespace satrap::imapd
