#include "privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>

#include "log/log.h"

namespace satrap::master {

Status DropPrivileges(const std::string& user, const std::string& group) {
  if (::geteuid() != 0) return Status();
  const passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr) return Status::NotFound("cyrus_user '" + user + "': no such user");
  if (pw->pw_uid == 0) return Status::Invalid("cyrus_user '" + user + "' is root");
  uid_t uid = pw->pw_uid;
  gid_t gid = pw->pw_gid;
  std::string name = pw->pw_name;
  if (!group.empty()) {
    const struct group* gr = ::getgrnam(group.c_str());
    if (gr == nullptr) return Status::NotFound("cyrus_group '" + group + "': no such group");
    gid = gr->gr_gid;
  }
  if (::initgroups(name.c_str(), gid) != 0) return Status::FromErrno("initgroups " + name, errno);
  if (::setgid(gid) != 0) return Status::FromErrno("setgid", errno);
  if (::setuid(uid) != 0) return Status::FromErrno("setuid " + name, errno);
  if (::setuid(0) == 0) return Status::Internal("could regain root after dropping privileges");
  log::Info("running as %s (uid %d, gid %d)", name.c_str(), static_cast<int>(uid),
            static_cast<int>(gid));
  return Status();
}

}  // namespace satrap::master
