// cyrus.header: who a mailbox folder belongs to and its keyword names.
//
// A small text file, replaced atomically (write a temp file in the folder,
// fsync, rename, fsync the folder) so a crash leaves the old or the new
// version:
//   Satrap mailbox header 2
//   name<TAB>user.alice.Sent
//   uniqueid<TAB>5f0c...        (32 hex digits, also in mailboxes.db)
//   keywords<TAB>$Forwarded Junk  (space-separated; position n = keyword bit n)
//   crc<TAB>1a2b3c4d            (CRC-32C of the lines above, hex)
// The unique id survives renames; reconstruct uses name and unique id to put
// a folder missing from mailboxes.db back. Writers hold the index lock
// (index_file.h) while they rewrite it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::mailbox {

inline constexpr const char* kHeaderFileName = "cyrus.header";

struct MailboxHeader {
  std::string name;
  std::string uniqueid;
  std::vector<std::string> keywords;
  bool operator==(const MailboxHeader&) const = default;
};

std::string EncodeMailboxHeader(const MailboxHeader& header);
// kCorrupt on anything that is not exactly the format above.
Result<MailboxHeader> DecodeMailboxHeader(std::string_view text);

// Reads / atomically replaces cyrus.header in the folder open as `dir_fd`.
Result<MailboxHeader> ReadMailboxHeader(int dir_fd);
Status WriteMailboxHeader(int dir_fd, const MailboxHeader& header, int file_mode);

// A fresh random 128-bit unique id, 32 lower-case hex digits.
std::string NewUniqueId();

// True for a keyword that may be stored: an IMAP atom (RFC 3501 §9 flag-keyword)
// not starting with '\'.
bool IsValidKeyword(std::string_view keyword);

}  // namespace satrap::mailbox
