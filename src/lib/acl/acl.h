// Acl: a mailbox's access control list (RFC 4314) and the evaluation of a
// user's rights on it, the Cyrus way.
//
// An ACL is a list of (identifier, rights) entries. Identifiers are a userid,
// "group:<name>", "anyone" or "anonymous"; a leading "-" makes the entry
// negative: its rights are taken away (RFC 4314 §2). Cyrus stores an ACL in
// mailboxes.db as "id<TAB>rights<TAB>" repeated ("anyone\tlrs\tfred\tlrswipkxtecda\t");
// Parse and Format read and write exactly that.
//
// Evaluate() computes what an Identity may do (Cyrus admin guide,
// "Calculating Access", and cyrus_acl_myrights):
//   1. start with the rights of "anyone" (which includes anonymous users, as
//      in RFC 4314 and Cyrus) and, for an anonymous login, "anonymous";
//   2. add the rights of the user's own entry;
//   3. add the rights of every "group:<g>" the user is in;
//   4. remove the union of every negative entry matching 1-3;
//   5. then admins (imapd.conf `admins:`) always get l and a, and the owner of
//      the mailbox (the user whose INBOX hierarchy it is) always gets the
//      implicit owner rights (`implicit_owner_rights`, default "lkxan"): these
//      cannot be taken away by negative entries.
// Plain values; no locking (the mailbox layer owns the stored ACL).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/identity.h"
#include "acl/rights.h"
#include "base/result.h"

namespace satrap::acl {

struct AclEntry {
  std::string identifier;  // without the "-" of a negative entry
  bool negative = false;
  Rights rights;
  bool operator==(const AclEntry&) const = default;
};

class Acl {
 public:
  Acl() = default;

  // Parses the mailboxes.db form. The trailing TAB is optional; an empty
  // string is an empty ACL. kInvalid for an identifier without rights field,
  // an empty identifier, or an unknown rights letter. Repeated identifiers
  // are merged.
  static Result<Acl> Parse(std::string_view text, const RightsSyntax& syntax = {});
  // The mailboxes.db form, entries in their stored order, rights canonical.
  std::string Format(const RightsSyntax& syntax = {}) const;

  const std::vector<AclEntry>& entries() const { return entries_; }

  // The rights stored for `identifier` ("-fred" for fred's negative entry).
  std::optional<Rights> Get(std::string_view identifier) const;
  // SETACL (RFC 4314 §3.1) for `identifier` ("-fred" for a negative entry).
  // An entry left with no rights is removed, as Cyrus does. kInvalid for an
  // empty identifier or one with TAB, CR, LF or NUL (they would break the
  // stored form).
  Status Apply(std::string_view identifier, const RightsChange& change);
  // DELETEACL (RFC 4314 §3.2); false if there was no such entry.
  bool Remove(std::string_view identifier);

  bool operator==(const Acl&) const = default;

 private:
  std::vector<AclEntry> entries_;
};

struct EvaluateOptions {
  // The identity owns the mailbox (user.<userid> or below it).
  bool is_owner = false;
  // imapd.conf implicit_owner_rights.
  Rights implicit_owner_rights = kLookup | kCreateMailbox | kDeleteMailbox | kAdmin | kAnnotate;
  // "anyone" also covers anonymous logins (RFC 4314 §2, Cyrus). The admin
  // guide's wording ("any authenticated connection") is the other reading.
  bool anyone_includes_anonymous = true;
};

// True if the entry's identifier names this identity (positive or negative).
// A group entry for a user whose groups could not be looked up does not
// match; Evaluate() then grants nothing from the ACL at all.
bool IdentifierMatches(std::string_view identifier, const Identity& who,
                       const EvaluateOptions& options = {});

// The rights `who` has under `acl` (see the header comment for the rules).
Rights Evaluate(const Acl& acl, const Identity& who, const EvaluateOptions& options = {});

}  // namespace satrap::acl
