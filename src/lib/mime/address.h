// RFC 5322 §3.4 address lists (From, To, Cc, ...), in the shape IMAP's
// ENVELOPE needs (RFC 3501 §7.4.2: name, route, mailbox, host; groups as a
// start marker and an end marker).
//
// Used by the envelope writer, and by lmtpd/sieve to read addresses. Pure.
//
// Values stay raw: encoded words in display names are not decoded (IMAP
// clients decode them). Broken input never fails; it is read the way Dovecot
// reads it: a missing local part becomes "MISSING_MAILBOX", a missing domain
// "MISSING_DOMAIN", so that a host of NIL keeps meaning "group marker" only.
// A display name absent but a comment present ("a@b (Ann)") gives the name.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace satrap::mime {

inline constexpr size_t kMaxAddresses = 10000;
inline constexpr std::string_view kMissingMailbox = "MISSING_MAILBOX";
inline constexpr std::string_view kMissingDomain = "MISSING_DOMAIN";

struct Address {
  enum class Kind : uint8_t { kMailbox, kGroupStart, kGroupEnd };
  Kind kind = Kind::kMailbox;
  std::string name;     // display name; empty for none
  std::string route;    // obsolete source route "@a,@b"; empty for none
  std::string mailbox;  // local part, unquoted; the group name for kGroupStart
  std::string host;     // domain; empty for group markers

  bool operator==(const Address&) const = default;
};

// Parses an address-list header value (raw or unfolded). Returns at most
// `max_addresses` entries (group markers included); an unterminated group gets
// its end marker.
std::vector<Address> ParseAddressList(std::string_view value,
                                      size_t max_addresses = kMaxAddresses);

}  // namespace satrap::mime
