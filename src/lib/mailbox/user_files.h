// The per-user files in configdirectory: <user>.sub (subscriptions) and
// <user>.seen (seen state of mailboxes the user does not own). Both are small
// text files, read whole and replaced atomically (temp file, fsync, rename),
// so a crash leaves the old or the new version. Concurrent updaters (two
// sessions of one user) serialise on an flock of the file; a waiter that
// wakes on a file already replaced retries on the new one.
#pragma once

#include <functional>
#include <string>

#include "base/result.h"

namespace satrap::mailbox {

// The file's contents, "" when it does not exist yet.
Result<std::string> ReadUserFile(const std::string& path);

// Read-modify-write under the lock: `update` edits the contents in place;
// returning an error leaves the file untouched. Creates the folder levels.
Status UpdateUserFile(const std::string& path, int file_mode,
                      const std::function<Status(std::string*)>& update);

}  // namespace satrap::mailbox
