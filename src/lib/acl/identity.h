// Identity: who is asking, as the ACL evaluation sees it.
//
// Built by the auth helper after authentication (SASL, LOGIN, LMTP's posting
// identity); group membership is looked up there (unix groups now, LDAP
// later) and handed over ready-made, so acl/ stays pure. A plain value, cheap
// to copy; the session keeps one for its lifetime.
#pragma once

#include <string>
#include <vector>

namespace satrap::acl {

struct Identity {
  // The canonical user id ("fred", "fred@example.com"); "anonymous" for an
  // anonymous login.
  std::string userid;
  // Names of the groups the user is in, without the "group:" prefix: an ACL
  // entry "group:staff" matches a user whose groups contain "staff".
  std::vector<std::string> groups;
  // Listed in imapd.conf `admins:`: always has l and a (see acl.h).
  bool is_admin = false;
  // Logged in anonymously (allowanonymouslogin): matches the identifier
  // "anonymous", never a user's own entries.
  bool anonymous = false;
};

}  // namespace satrap::acl
