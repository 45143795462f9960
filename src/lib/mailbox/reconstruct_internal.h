// Pieces shared by reconstruct.cc, reconstruct_folder.cc and
// reconstruct_find.cc. Internal to mailbox/.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mailbox/reconstruct.h"
#include "mailbox/store.h"

namespace satrap::mailbox {

// The private parts of Store that repairs need (Store befriends this class).
class RepairAccess {
 public:
  static Status CreateFolder(Store& store, const MailboxEntry& entry) {
    return store.CreateFolder(entry);
  }
  static Status DeleteOne(Store& store, const MailboxEntry& entry, bool drop_root) {
    return store.DeleteOne(entry, drop_root);
  }
  static Result<std::string> InitialAclFor(Store& store, std::string_view name) {
    SATRAP_ASSIGN_OR_RETURN(std::optional<MailboxEntry> ancestor, store.NearestAncestor(name));
    return store.InitialAcl(name, ancestor);
  }
};

// "<uid>." with uid > 0: a message file; sets *uid.
bool ParseMessageFileName(std::string_view name, uint32_t* uid);

// A spool or temp file left by a process that is no longer running:
// ".satrap-append-<pid>-*", ".satrap-copy-<pid>-*", "cyrus.<x>.<pid>.tmp".
bool IsDeadTempFile(std::string_view name);

// Removes what a mailbox keeps in `folder` (message files, cyrus.*, temp
// files), then the folder itself when that left it empty.
Status RemoveFolderContents(const std::string& folder);

// Removes the folder tree at `path` if no folder in it holds a cyrus.header
// (what a copy that died before writing its headers leaves); kExists when one
// does (somebody's mailbox), OK when `path` does not exist.
Status RemoveHeaderlessTree(const std::string& path);

struct FolderOutcome {
  bool deleted = false;  // the index says deleted: the caller finishes the DELETE
};

// reconstruct.h ReconstructFolder, telling the caller about deleted indexes.
Result<FolderOutcome> RebuildFolder(Store& store, const MailboxEntry& entry, bool dry_run,
                                    std::vector<std::string>* changes,
                                    std::vector<std::string>* cleanups);

// -f: matches the folders on disk beneath `names` ("" = whole partitions) to
// mailboxes.db (reconstruct.h). Names of mailboxes that must then be rebuilt
// (added back, moved back, header renamed) go to `rebuild`.
void FindFolders(Store& store, std::span<const std::string> names, bool dry_run,
                 ReconstructReport* report, std::vector<std::string>* rebuild);

}  // namespace satrap::mailbox
