// Helpers shared by the store_*.cc, append.cc and mailbox*.cc files. Not
// part of the public API.
#pragma once

#include <string>

#include "base/file.h"
#include "base/result.h"
#include "mailbox/index_file.h"

namespace satrap::mailbox {

// Opens a mailbox folder (O_DIRECTORY). kNotFound when missing.
Result<UniqueFd> OpenFolder(const std::string& path);

// The POP3 maildrop lock (store.h OpenMaildrop): an flock of the folder on
// a descriptor of its own. kInUse at once when another POP3 session has it.
Result<UniqueFd> TakePop3Lock(const std::string& folder);

// "<uid>." : the file name of a message.
std::string MessageFileName(uint32_t uid);

// Reads the index of the folder `dir_fd` in one go (open, snapshot, close).
Result<IndexSnapshot> ReadIndexOf(int dir_fd);

// Index compaction's other half: when expunged messages' cache records make
// up at least half of cyrus.cache, writes a new cache holding only the
// records of `records` (all live), re-deriving damaged ones from their
// message files, renames it over the old one and points `records` at it.
// The caller then writes the index. A crash in between leaves the old index
// pointing into the new cache: those records fail their checks and are
// rebuilt from the messages (cache_file.h), never served wrong.
Status CompactCache(int dir_fd, std::vector<IndexRecord>* records, mode_t mode);

// Removes the message files of `snapshot` and the cyrus.* files of a folder,
// then the folder itself if it is empty. Best effort: logs failures.
void RemoveFolderFiles(const std::string& folder, int dir_fd, const IndexSnapshot& snapshot);

}  // namespace satrap::mailbox
