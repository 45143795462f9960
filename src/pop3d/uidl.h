// POP3 unique-ids (RFC 1939 §7 UIDL) of Satrap messages, in the forms Cyrus
// offers through imapd.conf's uidl_format, so that clients that move from
// Cyrus keep their "already downloaded" lists. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace satrap::pop3d {

// uidl_format (imapd.conf), as Cyrus spells it.
enum class UidlFormat { kUidOnly, kCyrus, kDovecot, kCourier };
UidlFormat ParseUidlFormat(std::string_view value);

// The RFC 1939 unique-id of a message: stable across sessions and the same
// for a message however it is reached, because it is derived from the
// mailbox's uidvalidity and the message's UID:
//   kCyrus "<uidvalidity>.<uid>", kUidOnly "<uid>",
//   kDovecot "%08x%08x" of uid then uidvalidity, kCourier "<uidvalidity>-<uid>".
std::string FormatUidl(UidlFormat format, uint32_t uidvalidity, uint32_t uid);

}  // namespace satrap::pop3d
