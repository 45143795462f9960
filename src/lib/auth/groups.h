// Groups: which groups a user carries into ACL evaluation, where an entry
// `group:NAME` matches its members
// (RFC 4314 rights granted to a group apply to its members; so do negative
// rights, which is why a failed lookup is an error and not "no groups").
//
// GroupResolver is the seam where directories plug in: the Unix one here
// (NSS: /etc/group, or whatever nsswitch.conf names), LDAP later. A resolver
// is used by one session at a time; it may cache, but must not hold a lookup
// across sessions for longer than its own documented lifetime.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/imapd_config.h"

namespace satrap::auth {

// Prefix of group identifiers in ACLs and in the admins/proxyservers lists.
inline constexpr std::string_view kGroupPrefix = "group:";

class GroupResolver {
 public:
  virtual ~GroupResolver() = default;
  // The names of the groups `userid` belongs to ("staff", without the
  // "group:" prefix, as acl::Identity::groups holds them), sorted and without
  // duplicates. A user the directory does not know has no
  // groups (an empty list, not an error). kTempFail when the directory could
  // not be asked; the caller must then refuse the login rather than grant
  // rights computed without the user's negative group rights.
  virtual Result<std::vector<std::string>> GroupsOf(std::string_view userid) = 0;
};

// Groups from the system's group database, as Cyrus's auth_unix does: for a
// user in the passwd database, its primary group and every supplementary
// group (getgrouplist); for any other user (sasldb users usually have no Unix
// account), the groups whose member list names it. `user@domain` ids are
// looked up as given. Not thread-safe (getgrent walks a shared cursor);
// workers are single-threaded.
class UnixGroupResolver : public GroupResolver {
 public:
  Result<std::vector<std::string>> GroupsOf(std::string_view userid) override;
};

// A resolver that knows no groups (unix_group_enable: no, and no directory).
class NoGroupResolver : public GroupResolver {
 public:
  Result<std::vector<std::string>> GroupsOf(std::string_view userid) override { return std::vector<std::string>{}; }
};

// The resolver imapd.conf asks for: Unix groups unless `unix_group_enable: no`.
std::unique_ptr<GroupResolver> MakeGroupResolver(const config::Config& config);

}  // namespace satrap::auth
