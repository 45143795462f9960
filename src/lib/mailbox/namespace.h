// The external names clients see, and their translation to internal names.
//
// Four settings from imapd.conf decide what a client sees (003 seed,
// "altnamespace"; RFC 2342 NAMESPACE):
//   altnamespace off (default)        altnamespace on
//     INBOX          user.alice          INBOX                user.alice
//     INBOX.Sent     user.alice.Sent     Sent                 user.alice.Sent
//     user.bob.x     user.bob.x          Other Users.bob.x    user.bob.x
//     news           news                Shared Folders.news  news
//   unixhierarchysep on: '/' separates levels and a '.' inside a level is
//     stored as '^' ("INBOX/john.doe" <-> user.alice.john^doe).
//   virtdomains on: a user "alice@example.com" lives in
//     example.com!user.alice and sees only her domain without the suffix; a
//     user without a domain (a global admin) names other domains' mailboxes
//     with an "@domain" suffix ("user.bob@example.com").
// "INBOX" is case-insensitive as the first level (RFC 3501 §5.1).
//
// A Namespace is immutable and cheap to copy; pure, no I/O.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::mailbox {

struct NamespaceOptions {
  bool altnamespace = false;
  bool unixhierarchysep = false;
  bool virtdomains = false;
  std::string userprefix = "Other Users";      // altnamespace only
  std::string sharedprefix = "Shared Folders";  // altnamespace only
};

// RFC 2342 prefixes (with their trailing separator, "" when the namespace is
// the root).
struct NamespacePrefixes {
  std::string personal;
  std::string other_users;
  std::string shared;
};

class Namespace {
 public:
  Namespace() = default;
  explicit Namespace(NamespaceOptions options) : options_(std::move(options)) {}

  const NamespaceOptions& options() const { return options_; }
  // The hierarchy separator clients see: '/' with unixhierarchysep, else '.'.
  char separator() const { return options_.unixhierarchysep ? '/' : '.'; }

  // `external` as sent by `userid` ("" for a session without a personal
  // namespace, e.g. anonymous) to its internal name. kInvalid for names that
  // are not mailboxes (empty, a bare namespace prefix, INBOX without a user)
  // or that fail names.h validation; kTooBig for over-long names.
  Result<std::string> ToInternal(std::string_view external, std::string_view userid) const;

  // The reverse, canonical spelling. kNotFound when `internal` lies in
  // another domain than `userid`'s (it must not be shown to them).
  Result<std::string> ToExternal(std::string_view internal, std::string_view userid) const;

  NamespacePrefixes Prefixes() const;

 private:
  // The domain part of a userid ("" when none or virtdomains is off).
  std::string DomainOf(std::string_view userid) const;

  NamespaceOptions options_;
};

}  // namespace satrap::mailbox
