#include "auth/groups.h"

#include <grp.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace satrap::auth {
namespace {

// NSS buffers: start at the sysconf hint and grow on ERANGE, since a group
// with thousands of members does not fit the default.
constexpr size_t kMaxNssBuffer = size_t{1} << 24;

size_t InitialBufferSize(int name) {
  long hint = sysconf(name);
  return hint > 0 ? static_cast<size_t>(hint) : 16384;
}

// Looks up the user's passwd entry. Sets *found to false when the user has no
// account; errors only when NSS itself failed.
Status LookupPasswd(const std::string& user, gid_t* primary, bool* found) {
  std::vector<char> buffer(InitialBufferSize(_SC_GETPW_R_SIZE_MAX));
  while (true) {
    passwd entry{};
    passwd* result = nullptr;
    int err = getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &result);
    if (err == ERANGE && buffer.size() < kMaxNssBuffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    // ENOENT/ESRCH/EBADF/EPERM are documented "not found" spellings.
    if (err != 0 && err != ENOENT && err != ESRCH && err != EBADF && err != EPERM) {
      return Status::TempFail(StringPrintf("getpwnam_r(%s): %s", user.c_str(), strerror(err)));
    }
    *found = result != nullptr;
    if (*found) *primary = entry.pw_gid;
    return Status::Ok();
  }
}

Result<std::string> GroupName(gid_t gid) {
  std::vector<char> buffer(InitialBufferSize(_SC_GETGR_R_SIZE_MAX));
  while (true) {
    group entry{};
    group* result = nullptr;
    int err = getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &result);
    if (err == ERANGE && buffer.size() < kMaxNssBuffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (err != 0) return Status::TempFail(StringPrintf("getgrgid_r(%u): %s", gid, strerror(err)));
    // A gid without a name (a stale primary group) names no ACL identifier.
    if (result == nullptr) return std::string();
    return std::string(entry.gr_name);
  }
}

Result<std::vector<std::string>> GroupsOfAccount(const std::string& user, gid_t primary) {
  std::vector<gid_t> gids(32);
  int count = static_cast<int>(gids.size());
  while (getgrouplist(user.c_str(), primary, gids.data(), &count) < 0) {
    if (static_cast<size_t>(count) <= gids.size()) {
      return Status::TempFail(StringPrintf("getgrouplist(%s) failed", user.c_str()));
    }
    gids.resize(static_cast<size_t>(count));
  }
  gids.resize(static_cast<size_t>(count));
  std::vector<std::string> names;
  for (gid_t gid : gids) {
    SATRAP_ASSIGN_OR_RETURN(std::string name, GroupName(gid));
    if (!name.empty()) names.push_back(std::move(name));
  }
  return names;
}

// For users without an account: every group whose member list names them.
Result<std::vector<std::string>> GroupsListingMember(const std::string& user) {
  std::vector<std::string> names;
  std::vector<char> buffer(InitialBufferSize(_SC_GETGR_R_SIZE_MAX));
  setgrent();
  while (true) {
    group entry{};
    group* result = nullptr;
    int err = getgrent_r(&entry, buffer.data(), buffer.size(), &result);
    if (err == ERANGE && buffer.size() < kMaxNssBuffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (err == ENOENT) break;  // the end of the database
    if (err != 0) {
      endgrent();
      return Status::TempFail(StringPrintf("getgrent_r: %s", strerror(err)));
    }
    if (result == nullptr) break;
    for (char** member = entry.gr_mem; member != nullptr && *member != nullptr; ++member) {
      if (user == *member) {
        names.emplace_back(entry.gr_name);
        break;
      }
    }
  }
  endgrent();
  return names;
}

}  // namespace

Result<std::vector<std::string>> UnixGroupResolver::GroupsOf(std::string_view userid) {
  std::string user(userid);
  if (user.empty() || user.find('\0') != std::string::npos) return std::vector<std::string>{};
  gid_t primary = 0;
  bool has_account = false;
  SATRAP_RETURN_IF_ERROR(LookupPasswd(user, &primary, &has_account));
  std::vector<std::string> names;
  if (has_account) {
    SATRAP_ASSIGN_OR_RETURN(names, GroupsOfAccount(user, primary));
  } else {
    SATRAP_ASSIGN_OR_RETURN(names, GroupsListingMember(user));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::unique_ptr<GroupResolver> MakeGroupResolver(const config::Config& config) {
  if (!config.GetBool("unix_group_enable")) return std::make_unique<NoGroupResolver>();
  return std::make_unique<UnixGroupResolver>();
}

}  // namespace satrap::auth
