// IDLE (RFC 2177). The session waits on two things at once: the client
// (for DONE) and the selected mailbox's folder through inotify, which
// fires as soon as another session or a delivery writes cyrus.index, so
// EXISTS/EXPUNGE/FETCH reach the client at once rather than at the next
// poll. imapidlepoll remains as a safety net (a folder on a file system
// without inotify events, such as NFS); imapidletimeout (else `timeout`)
// bounds the whole wait.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>

#include "base/strings.h"
#include "commands.h"
#include "log/log.h"

namespace satrap::imapd {
namespace {

// Watches the selected mailbox's folder; -1 (polling only) if inotify fails.
UniqueFd WatchFolder(const mailbox::Mailbox* mb) {
  if (mb == nullptr) return UniqueFd();
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return UniqueFd();
  UniqueFd watch(fd);
  std::string path = "/proc/self/fd/" + std::to_string(mb->dir_fd());
  uint32_t events = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF |
                    IN_MOVE_SELF;
  if (::inotify_add_watch(watch.get(), path.c_str(), events) < 0) return UniqueFd();
  return watch;
}

void Drain(int fd) {
  char buf[4096];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

std::chrono::seconds IdleTimeout(Session& s) {
  int64_t configured = s.config().GetDuration("imapidletimeout");
  if (configured > 0) return std::chrono::seconds(configured);
  return s.conn().limits().idle_timeout;
}

// Reports what changed; false if the session must end (mailbox gone).
bool Report(Session& s, Responder& r) {
  if (s.selected() == nullptr) return true;
  Result<mailbox::RefreshChanges> changes = s.selected()->Refresh(true);
  if (!changes.ok()) return true;
  s.ReportChanges(*changes, r);
  return s.conn().Flush().ok() && !changes->mailbox_gone;
}

}  // namespace

void CmdIdle(Session& s, const Args& a, Responder& r) {
  if (!a.args.empty()) return r.Bad("IDLE takes no arguments");
  UniqueFd watch = WatchFolder(s.selected());
  if (!r.Continue("idling").ok()) return s.EndAfterCommand();
  int64_t poll_seconds = std::max<int64_t>(s.config().GetDuration("imapidlepoll"), 1);
  net::Deadline end = net::Clock::now() + IdleTimeout(s);
  for (;;) {
    if (!s.HasPipelinedInput()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - net::Clock::now());
      if (left.count() <= 0) {
        r.Untagged("BYE Autologout; idle for too long");
        s.EndAfterCommand();
        return r.No("Idle timeout");
      }
      pollfd fds[2] = {{s.conn().fd(), POLLIN, 0}, {watch.get(), POLLIN, 0}};
      int wait_ms = static_cast<int>(std::min<int64_t>(left.count(), poll_seconds * 1000));
      int n = ::poll(fds, watch.valid() ? 2 : 1, wait_ms);
      if (n < 0 && errno != EINTR) return r.No("Idle failed");
      if (n <= 0 || (fds[1].revents & POLLIN) != 0) {
        if (watch.valid()) Drain(watch.get());
        if (!Report(s, r)) {
          s.EndAfterCommand();
          return r.Ok("Idle terminated");
        }
        if (n <= 0 || (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      }
    }
    Result<std::string> line = s.ReadClientLine();
    if (!line.ok()) {
      s.EndAfterCommand();
      return r.No("Connection lost during IDLE");
    }
    if (EqualsIgnoreCase(*line, "DONE")) return r.Ok("Idle completed");
    return r.Bad("Expected DONE");
  }
}

}  // namespace satrap::imapd
