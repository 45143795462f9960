#include "service/proc_entry.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/file.h"
#include "log/log.h"

namespace satrap::service {

ProcEntry::ProcEntry(std::string proc_dir, std::string service, std::string peer)
    : service_(std::move(service)), peer_(std::move(peer)) {
  if (proc_dir.empty()) return;
  Status s = MakeDirectories(proc_dir, 0750);
  if (!s.ok()) {
    log::Warning("proc entry: %s", s.message().c_str());
    return;
  }
  path_ = JoinPath(proc_dir, std::to_string(::getpid()));
  Write();
}

ProcEntry::~ProcEntry() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

void ProcEntry::Update(std::string_view user, std::string_view mailbox) {
  user_ = std::string(user);
  mailbox_ = std::string(mailbox);
  Write();
}

void ProcEntry::Write() {
  if (path_.empty()) return;
  std::string line = service_ + "\t" + peer_ + "\t" + user_ + "\t" + mailbox_ + "\n";
  // Not durable on purpose: it describes a live process and is worthless
  // after a crash, so no fsync. Written whole via rename so readers never
  // see half a line.
  std::string tmp = path_ + ".tmp";
  Result<UniqueFd> fd = OpenFile(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
  if (!fd.ok() || !WriteAll(fd->get(), line).ok() || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    log::Warning("proc entry %s: can't write", path_.c_str());
    ::unlink(tmp.c_str());
  }
}

}  // namespace satrap::service
