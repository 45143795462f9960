#include "status_channel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace satrap::master {

Result<StatusChannel> StatusChannel::Create() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  // Only the master's read end is non-blocking; workers write whole records.
  ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  return StatusChannel(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

std::vector<service::StatusMessage> StatusChannel::ReadAvailable() {
  std::vector<service::StatusMessage> out;
  char buf[64 * sizeof(service::StatusMessage)];
  for (;;) {
    ssize_t n = ::read(read_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial_.insert(partial_.end(), buf, buf + n);
    size_t whole = partial_.size() / sizeof(service::StatusMessage);
    for (size_t i = 0; i < whole; ++i) {
      service::StatusMessage message;
      std::memcpy(&message, partial_.data() + i * sizeof message, sizeof message);
      out.push_back(message);
    }
    partial_.erase(partial_.begin(),
                   partial_.begin() + static_cast<long>(whole * sizeof(service::StatusMessage)));
  }
  return out;
}

}  // namespace satrap::master
