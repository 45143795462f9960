// Per-user \Seen for mailboxes the user does not own (Cyrus's seen state):
// <configdirectory>/user/<h>/<user>.seen, one line per mailbox
//   <uniqueid> SP <uidvalidity> SP <uid set, RFC 3501 sequence-set form>
// Keyed by unique id, so it survives renames; a uidvalidity change empties it.
// The owner's \Seen lives in the index record instead (mailbox.h).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace satrap::mailbox {

class SeenState {
 public:
  // Loads the entry for `uniqueid` from `path` (missing file or entry: none
  // seen).
  static Result<std::unique_ptr<SeenState>> Load(std::string path, std::string uniqueid,
                                                 uint32_t uidvalidity, int file_mode);

  bool IsSeen(uint32_t uid) const { return seen_.count(uid) != 0; }
  // Sets or clears \Seen for `uids` and writes the file (under its lock,
  // merging with changes other sessions of the user made meanwhile).
  Status Set(const std::vector<uint32_t>& uids, bool seen);
  // Rereads the file (another session of the same user may have written).
  Status Reload();

  // "1:3,5" <-> {1,2,3,5}. Parse returns false on malformed text.
  static std::string FormatUidSet(const std::set<uint32_t>& uids);
  static bool ParseUidSet(std::string_view text, std::set<uint32_t>* uids);

 private:
  SeenState(std::string path, std::string uniqueid, uint32_t uidvalidity, int file_mode)
      : path_(std::move(path)), uniqueid_(std::move(uniqueid)), uidvalidity_(uidvalidity),
        file_mode_(file_mode) {}
  // Finds this mailbox's line in `text` and parses it into `uids`.
  void ParseFile(const std::string& text, std::set<uint32_t>* uids) const;

  std::string path_;
  std::string uniqueid_;
  uint32_t uidvalidity_;
  int file_mode_;
  std::set<uint32_t> seen_;
};

}  // namespace satrap::mailbox
