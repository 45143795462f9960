// configdirectory/proc/<pid>: what a worker is doing right now, for admins
// and tools that list sessions (Cyrus proc_register). One line, tab-separated:
//
//   <service>\t<peer>\t<user>\t<mailbox>\n
//
// (user and mailbox empty until known). The file stays open and is rewritten
// in place on every update, as Cyrus does: a SELECT must not pay for a new
// file and a rename (half a millisecond on ext4). Readers take the first
// line; a longer old line's tail may follow it for an instant. The file is
// removed when the connection ends or the process exits normally; a file
// left by a crashed worker names a pid that no longer exists, which readers
// must tolerate.
#pragma once

#include <string>
#include <string_view>

#include "base/file.h"
#include "base/status.h"

namespace satrap::service {

class ProcEntry {
 public:
  // Writes the entry for the current process in `proc_dir` (created if
  // missing). Failure is logged, never fatal: the entry is informational.
  ProcEntry(std::string proc_dir, std::string service, std::string peer);
  ~ProcEntry();  // removes the file
  ProcEntry(const ProcEntry&) = delete;
  ProcEntry& operator=(const ProcEntry&) = delete;

  // Records the authenticated user and the selected mailbox (either may be
  // empty: after UNSELECT, before LOGIN).
  void Update(std::string_view user, std::string_view mailbox);

  const std::string& path() const { return path_; }

 private:
  void Write();

  std::string path_;
  UniqueFd fd_;
  std::string service_;
  std::string peer_;
  std::string user_;
  std::string mailbox_;
};

}  // namespace satrap::service
