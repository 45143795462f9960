// Identity: who is asking, as the ACL evaluation sees it.
//
// Built by the auth helper after authentication (SASL, LOGIN, LMTP's posting
// identity); group membership is looked up there (unix groups now, LDAP
// later), either handed over ready-made or as a lookup that runs when an ACL
// first names a group (most never do, and a lookup loads the system's NSS
// modules into the worker), so acl/ stays pure. Cheap to copy; copies share
// the one lookup. The session keeps one for its lifetime.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace satrap::acl {

struct Identity {
  // The canonical user id ("fred", "fred@example.com"); "anonymous" for an
  // anonymous login.
  std::string userid;
  // Names of the groups the user is in, without the "group:" prefix: an ACL
  // entry "group:staff" matches a user whose groups contain "staff". Unused
  // when `group_lookup` is set.
  std::vector<std::string> groups;
  // When set, the groups come from here instead, looked up once on first
  // need (Groups()). It must not outlive what it looks groups up in.
  std::shared_ptr<class GroupLookup> group_lookup;
  // Listed in imapd.conf `admins:`: always has l and a (see acl.h).
  bool is_admin = false;
  // Logged in anonymously (allowanonymouslogin): matches the identifier
  // "anonymous", never a user's own entries.
  bool anonymous = false;

  // The user's groups: `groups`, or the lookup's answer (run now if it has
  // not run yet). nullptr when the lookup failed: the caller must then
  // refuse rather than ignore the user's (possibly negative) group rights.
  const std::vector<std::string>* Groups() const;
};

// A lookup of one user's groups, run at most once.
class GroupLookup {
 public:
  explicit GroupLookup(std::function<Result<std::vector<std::string>>()> lookup)
      : lookup_(std::move(lookup)) {}
  const std::vector<std::string>* Get();

 private:
  std::function<Result<std::vector<std::string>>()> lookup_;
  std::optional<Result<std::vector<std::string>>> answer_;
};

}  // namespace satrap::acl
