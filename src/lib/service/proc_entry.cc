#include "service/proc_entry.h"

#include <fcntl.h>
#include <unistd.h>

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
  if (user == user_ && mailbox == mailbox_) return;
  user_ = std::string(user);
  mailbox_ = std::string(mailbox);
  Write();
}

void ProcEntry::Write() {
  if (path_.empty()) return;
  std::string line = service_ + "\t" + peer_ + "\t" + user_ + "\t" + mailbox_ + "\n";
  // Not durable on purpose: it describes a live process and is worthless
  // after a crash, so no fsync.
  if (!fd_.valid()) {
    Result<UniqueFd> fd = OpenFile(path_, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    if (!fd.ok()) {
      log::Warning("proc entry %s: %s", path_.c_str(), fd.status().message().c_str());
      path_.clear();
      return;
    }
    fd_ = std::move(*fd);
  }
  if (::pwrite(fd_.get(), line.data(), line.size(), 0) != static_cast<ssize_t>(line.size()) ||
      ::ftruncate(fd_.get(), static_cast<off_t>(line.size())) != 0) {
    log::Warning("proc entry %s: can't write", path_.c_str());
  }
}

}  // namespace satrap::service
