// Rights: the RFC 4314 access rights of one identifier on one mailbox.
//
// Letters: l r s w i p k x t e a n and the user-defined 0-9. The RFC 2086
// letters c and d are accepted as the macros Cyrus has always used (see
// RightsSyntax) and written back after the rights they stand for, so an ACL
// read by an old client still shows them. The canonical order, also the order
// Cyrus stores in mailboxes.db, is "lrswipkxtecdan0123456789".
// Plain values; pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::acl {

class Rights {
 public:
  constexpr Rights() = default;
  constexpr explicit Rights(uint32_t bits) : bits_(bits) {}

  constexpr uint32_t bits() const { return bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  // All of `other`'s rights are here.
  constexpr bool Has(Rights other) const { return (bits_ & other.bits_) == other.bits_; }
  constexpr bool HasAny(Rights other) const { return (bits_ & other.bits_) != 0; }

  constexpr Rights operator|(Rights o) const { return Rights(bits_ | o.bits_); }
  constexpr Rights operator&(Rights o) const { return Rights(bits_ & o.bits_); }
  // Set difference.
  constexpr Rights operator-(Rights o) const { return Rights(bits_ & ~o.bits_); }
  constexpr Rights& operator|=(Rights o) { bits_ |= o.bits_; return *this; }
  constexpr bool operator==(const Rights&) const = default;

 private:
  uint32_t bits_ = 0;
};

// RFC 4314 §2.1.
inline constexpr Rights kLookup{1u << 0};         // l: LIST, SUBSCRIBE
inline constexpr Rights kRead{1u << 1};           // r: SELECT, FETCH, SEARCH, COPY from
inline constexpr Rights kSeen{1u << 2};           // s: keep \Seen
inline constexpr Rights kWrite{1u << 3};          // w: flags other than \Seen, \Deleted
inline constexpr Rights kInsert{1u << 4};         // i: APPEND, COPY into
inline constexpr Rights kPost{1u << 5};           // p: LMTP to +mailbox
inline constexpr Rights kCreateMailbox{1u << 6};  // k: CREATE children, RENAME into
inline constexpr Rights kDeleteMailbox{1u << 7};  // x: DELETE, RENAME away
inline constexpr Rights kDeleteMessage{1u << 8};  // t: set \Deleted
inline constexpr Rights kExpunge{1u << 9};        // e: EXPUNGE
inline constexpr Rights kAdmin{1u << 10};         // a: SETACL, GETACL
inline constexpr Rights kAnnotate{1u << 11};      // n: shared annotations (RFC 5257)
// '0'..'9' are bits 12..21.
constexpr Rights UserRight(int digit) { return Rights(1u << (12 + digit)); }
inline constexpr Rights kAllRights{(1u << 22) - 1};

// How the obsolete letters expand (Cyrus imapd.conf `deleteright`, default
// 'c'): c = k plus x when delete_right is 'c'; d = t e, plus x when
// delete_right is 'd'. Any other delete_right letter is itself a synonym of x.
struct RightsSyntax {
  char delete_right = 'c';
};

// Rights letters without a modifier ("lrswi"); the empty string is no rights.
// A legacy c or d adds its member rights only when none of them is also
// listed (Cyrus cyrus_acl_strtomask), so "lrswipkxtecda" reads back as itself.
// kInvalid names the first unknown letter.
Result<Rights> ParseRights(std::string_view letters, const RightsSyntax& syntax = {});

// Canonical letters, with c and d added after e when any of their member
// rights is present (what MYRIGHTS, GETACL and mailboxes.db show).
std::string FormatRights(Rights rights, const RightsSyntax& syntax = {});

// SETACL's rights argument (RFC 4314 §3.1): "+lr" adds, "-w" removes, "lrs"
// replaces.
struct RightsChange {
  enum class Mode { kReplace, kAdd, kRemove };
  Mode mode = Mode::kReplace;
  Rights rights;
};
Result<RightsChange> ParseRightsChange(std::string_view text, const RightsSyntax& syntax = {});
Rights ApplyChange(Rights current, const RightsChange& change);

// LISTRIGHTS (RFC 4314 §3.7): the rights always granted to the identifier,
// then each right that may be granted on its own, one group per letter (the
// caller writes each as an astring; the first may be empty).
std::vector<std::string> ListRightsGroups(Rights required, const RightsSyntax& syntax = {});

// cyradm's shortcuts for `sam` (none, read, post, append, write, all, as in
// the Cyrus admin guide); nullopt for other words.
std::optional<std::string_view> RightsShortcut(std::string_view name);

}  // namespace satrap::acl
