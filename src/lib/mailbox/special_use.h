// Special-use mailbox attributes (RFC 6154 §2): \All \Archive \Drafts
// \Flagged \Junk \Sent \Trash, kept per mailbox by the store.
//
// Where they live: in the mailbox's own mailboxes.db entry, as bits of its
// <type> field (mboxlist.h). So they move with RENAME and vanish with DELETE
// in the same transaction as the entry itself, and an entry written before
// special-use existed (no such bit) simply has none. Cyrus keeps the same
// thing as the /specialuse annotation; only the storage differs.
//
// Who may set them: the mailbox's owner (a mailbox in her INBOX hierarchy) or
// an admin (Store::SetSpecialUse, Store::Create).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::mailbox {

// One bit per attribute, in a uint32_t "special-use set".
inline constexpr uint32_t kUseAll = 1u << 0;
inline constexpr uint32_t kUseArchive = 1u << 1;
inline constexpr uint32_t kUseDrafts = 1u << 2;
inline constexpr uint32_t kUseFlagged = 1u << 3;
inline constexpr uint32_t kUseJunk = 1u << 4;
inline constexpr uint32_t kUseSent = 1u << 5;
inline constexpr uint32_t kUseTrash = 1u << 6;
inline constexpr uint32_t kUseMask = (1u << 7) - 1;

// Where the set sits inside MailboxEntry::type.
inline constexpr int kTypeSpecialUseShift = 8;

// The set from attribute names ("\Sent", case-insensitive, RFC 6154 §2).
// kInvalid naming the first unknown attribute (imapd answers [USEATTR]).
Result<uint32_t> ParseSpecialUse(std::span<const std::string> names);
// The attribute names of `uses`, in RFC 6154 §2 order ("\All" first).
std::vector<std::string> SpecialUseNames(uint32_t uses);

// The set kept in an entry's type, and the type with `uses` in its place.
inline uint32_t SpecialUseOfType(uint32_t type) { return (type >> kTypeSpecialUseShift) & kUseMask; }
inline uint32_t TypeWithSpecialUse(uint32_t type, uint32_t uses) {
  return (type & ~(kUseMask << kTypeSpecialUseShift)) | ((uses & kUseMask) << kTypeSpecialUseShift);
}

}  // namespace satrap::mailbox
