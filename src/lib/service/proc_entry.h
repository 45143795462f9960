// configdirectory/proc/<pid>: what a worker is doing right now, for admins
// and tools that list sessions (Cyrus proc_register). One line, tab-separated:
//
//   <service>\t<peer>\t<user>\t<mailbox>\n
//
// (user and mailbox empty until known). The file is replaced atomically on
// every update and removed when the connection ends or the process exits
// normally; a file left by a crashed worker names a pid that no longer exists,
// which readers must tolerate.
#pragma once

#include <string>
#include <string_view>

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
  std::string service_;
  std::string peer_;
  std::string user_;
  std::string mailbox_;
};

}  // namespace satrap::service
