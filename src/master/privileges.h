// Dropping root: cyrmaster binds its ports as root, then becomes cyrus_user
// before it runs anything else (START jobs included). Workers are only ever
// started by the unprivileged master.
#pragma once

#include <string>

#include "base/status.h"

namespace satrap::master {

// When the effective uid is 0: switches to `user` with group `group` (or the
// user's primary group when empty) and the user's supplementary groups, and
// checks that root cannot be regained. Does nothing for a non-root master.
// kNotFound for an unknown user or group, kIoError when a set*id call fails,
// kInvalid when `user` is root itself.
Status DropPrivileges(const std::string& user, const std::string& group);

}  // namespace satrap::master
