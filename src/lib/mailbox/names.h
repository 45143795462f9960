// Internal mailbox names: the one spelling every database, file and log uses.
//
// An internal name is a sequence of components joined by '.':
//   user.alice            alice's INBOX
//   user.alice.Sent       a folder of hers
//   shared.news           a shared (non-user) mailbox
//   example.com!user.bob  with `virtdomains`, the domain before '!'
// The external names clients see (INBOX, "Other Users/bob", '/' separators)
// are translated in namespace.h; nothing below this header knows them.
//
// A name becomes a folder path (partition.h), so validation is strict and
// happens before any path is built: no empty component, no component that
// starts with '.', no '/', no control characters or DEL, no 8-bit bytes
// (non-ASCII names arrive as modified UTF-7, RFC 3501 §5.1.3, whose '&...-'
// runs are checked here), at most kMaxNameLength bytes. A '.' inside a user's
// folder name cannot exist internally; with `unixhierarchysep` the namespace
// maps it to '^' (as Cyrus does).
//
// Pure functions; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace satrap::mailbox {

// Cyrus MAX_MAILBOX_NAME: longer names are refused (kTooBig).
inline constexpr size_t kMaxNameLength = 490;
inline constexpr char kSeparator = '.';
inline constexpr std::string_view kUserPrefix = "user.";

// Checks a full internal name (domain part included). kInvalid names the
// reason; kTooBig for over-long names.
Status ValidateName(std::string_view name);

// Checks one component (no separator allowed inside).
Status ValidateComponent(std::string_view component);

// True when `text` is well-formed modified UTF-7 (RFC 3501 §5.1.3): every '&'
// opens a run of modified BASE64 closed by '-', "&-" stands for '&'.
bool IsValidModifiedUtf7(std::string_view text);

// An internal name taken apart. `domain` is empty without virtdomains.
struct NameParts {
  std::string domain;                  // "example.com" or ""
  std::string local;                   // the part after "domain!": "user.bob.Sent"
  std::optional<std::string> owner;    // "bob" for user.bob[.*]; unset for shared
  std::vector<std::string> folders;    // for user.bob.Sent.2024: {"Sent", "2024"}
};

// Splits a name that passed ValidateName(). kInvalid otherwise.
Result<NameParts> ParseName(std::string_view name);

// The userid that owns `name` ("bob" or "bob@example.com"), or nullopt for
// shared mailboxes. The name must be valid.
std::optional<std::string> OwnerOf(std::string_view name);

// The INBOX of `userid` ("alice" -> "user.alice", "bob@example.com" ->
// "example.com!user.bob" when virtdomains is on; without virtdomains the '@'
// is kept as part of the userid, as Cyrus does). A '.' in the userid becomes
// '^' (Cyrus's convention, used with unixhierarchysep). kInvalid when the
// result is not a valid name.
Result<std::string> UserInboxName(std::string_view userid, bool virtdomains);

// True for "user.X" and "domain!user.X" (an INBOX, not a folder under it).
bool IsUserInbox(std::string_view name);

// "user.alice.Sent" -> "user.alice"; "user.alice" -> "user" is NOT returned:
// the parent of a user's INBOX and of a top-level shared mailbox is nullopt.
// The domain prefix is kept.
std::optional<std::string> ParentName(std::string_view name);

// True when `name` is `ancestor` itself or lies beneath it
// ("user.a.b" is under "user.a"; "user.ab" is not).
bool IsSameOrUnder(std::string_view name, std::string_view ancestor);

// Replaces the `from` prefix of `name` by `to` (for renames of a subtree).
// `name` must satisfy IsSameOrUnder(name, from).
std::string ReplacePrefix(std::string_view name, std::string_view from, std::string_view to);

}  // namespace satrap::mailbox
