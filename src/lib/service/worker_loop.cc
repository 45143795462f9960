#include "service/worker_loop.h"

#include <poll.h>
#include <signal.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "base/memory.h"
#include "db/kv.h"
#include "log/log.h"
#include "net/peer.h"
#include "service/master_protocol.h"
#include "service/proc_entry.h"

namespace satrap::service {

namespace {

volatile sig_atomic_t g_leave = 0;

void OnHangup(int) { g_leave = 1; }

int g_status_fd = -1;

void NoteRecoveryNeeded() {
  static bool told = false;
  g_leave = 1;
  if (told) return;
  told = true;
  log::Error("the database environment needs recovery; leaving after this connection%s",
             g_status_fd >= 0 ? " (the master will run ctl_cyrusdb -r)" : "");
  if (g_status_fd < 0) return;
  StatusMessage message{static_cast<int32_t>(WorkerNotice::kNeedsRecovery),
                        static_cast<int32_t>(::getpid())};
  while (::write(g_status_fd, &message, sizeof message) < 0 && errno == EINTR) {
  }
}

// How often an idle worker checks that its master still exists.
constexpr int kParentCheckSeconds = 5;
// A client quiet this long between commands is usually quiet for much
// longer: the session gives memory back then (net::Connection::SetIdleHook).
constexpr std::chrono::milliseconds kIdleAfter{250};

void InstallSignals(sigset_t* wait_mask) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, nullptr);
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  sigset_t old;
  ::sigprocmask(SIG_BLOCK, &hup, &old);
  struct sigaction sa {};
  sa.sa_handler = OnHangup;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGHUP, &sa, nullptr);
  *wait_mask = old;
  sigdelset(wait_mask, SIGHUP);
}

class Worker {
 public:
  Worker(const ServerSpec& spec, const WorkerOptions& options, Context* ctx)
      : spec_(spec), options_(options), ctx_(*ctx) {
    InstallSignals(&wait_mask_);
  }

  void Run() {
    while (ctx_.uses < ctx_.max_use) {
      // The master counted us ready when it forked us; say so again only
      // after a connection made us unavailable.
      if (busy_) {
        if (!Notify(WorkerNotice::kAvailable)) return;
        busy_ = false;
      }
      int fd = WaitForWork();
      if (fd < 0) return;
      if (spec_.serve_datagram && IsDatagram(fd)) {
        ServeDatagram(fd);
      } else if (!AcceptAndServe(fd)) {
        return;
      }
    }
    log::Debug("retiring after %d connection(s)", ctx_.uses);
  }

 private:
  // Writes one status record; false when the master is gone.
  bool Notify(WorkerNotice notice) {
    if (options_.status_fd < 0) return true;
    StatusMessage message{static_cast<int32_t>(notice), static_cast<int32_t>(::getpid())};
    for (;;) {
      ssize_t n = ::write(options_.status_fd, &message, sizeof message);
      if (n == static_cast<ssize_t>(sizeof message)) return true;
      if (n < 0 && errno == EINTR) continue;
      log::Info("master gone (status pipe: %s); exiting", std::strerror(errno));
      return false;
    }
  }

  // ppoll() that returns ready descriptors restores the mask before a
  // pending SIGHUP can be delivered, so look for one explicitly.
  static bool HangupPending() {
    sigset_t pending;
    return ::sigpending(&pending) == 0 && sigismember(&pending, SIGHUP) == 1;
  }

  bool MasterGone() const {
    return options_.master_pid != 0 && ::getppid() != options_.master_pid;
  }

  // A listening descriptor with something waiting, or -1 to leave.
  int WaitForWork() {
    std::vector<pollfd> fds;
    for (int fd : options_.listen_fds) fds.push_back({fd, POLLIN, 0});
    for (;;) {
      if (g_leave || HangupPending()) return -1;
      if (MasterGone()) {
        log::Info("master gone; exiting");
        return -1;
      }
      timespec timeout{kParentCheckSeconds, 0};
      int n = ::ppoll(fds.data(), fds.size(), &timeout, &wait_mask_);
      if (n < 0 && errno != EINTR) {
        log::Error("poll: %s", std::strerror(errno));
        return -1;
      }
      for (const pollfd& p : fds) {
        if (n <= 0) break;
        if ((p.revents & (POLLHUP | POLLNVAL)) != 0) {
          // The master shut the socket down (service removed, shutdown).
          log::Debug("listening socket closed; exiting");
          return -1;
        }
        if ((p.revents & (POLLIN | POLLERR)) != 0) return p.fd;
      }
    }
  }

  static bool IsDatagram(int fd) {
    int type = 0;
    socklen_t len = sizeof type;
    return ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM;
  }

  // False when the worker must leave (master gone, fatal accept error).
  bool AcceptAndServe(int listen_fd) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // Another worker took it, or the client gave up: wait again.
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED ||
          errno == EPROTO) {
        return true;
      }
      // Anything else (EMFILE, ...) would repeat on every wake-up: leave, and
      // let the master start a fresh worker.
      log::Error("accept: %s", std::strerror(errno));
      return false;
    }
    // Connection buffers each response burst and flushes it in one write
    // before reading again, so Nagle can only hold back the tail of a reply
    // until the client's delayed ACK (~40 ms per command). Fails harmlessly
    // on unix sockets.
    int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    busy_ = true;
    if (!Notify(WorkerNotice::kUnavailable)) {
      ::close(fd);
      return false;
    }
    Notify(WorkerNotice::kConnection);
    ++ctx_.uses;
    net::PeerInfo peer = net::DescribePeer(fd);
    net::PeerInfo local = net::DescribeLocal(fd);
    ctx_.connection = ConnectionInfo{peer.ip, peer.port, local.ip, local.port, peer.is_unix};
    {
      ProcEntry proc(options_.proc_dir, ctx_.service_name, ctx_.connection.PeerString());
      ctx_.proc = &proc;
      net::Connection connection(net::MakeSocketTransport(UniqueFd(fd)), options_.limits);
      connection.SetIdleHook(kIdleAfter, [this] {
        if (spec_.idle) spec_.idle(ctx_);
        ReleaseIdleMemory();
      });
      spec_.serve(ctx_, connection);
      (void)connection.Flush();
      ctx_.proc = nullptr;
    }
    ctx_.connection = ConnectionInfo{};
    // A session over a large mailbox leaves megabytes of freed heap behind;
    // the worker may now wait for hours for its next client.
    ReleaseIdleMemory();
    return true;
  }

  void ServeDatagram(int fd) {
    busy_ = true;
    if (!Notify(WorkerNotice::kUnavailable)) return;
    ++ctx_.uses;
    spec_.serve_datagram(ctx_, fd);
  }

  const ServerSpec& spec_;
  const WorkerOptions& options_;
  Context& ctx_;
  sigset_t wait_mask_;
  bool busy_ = false;  // told the master "unavailable" since the last "available"
};

}  // namespace

void InstallRecoveryNotice(int status_fd) {
  g_status_fd = status_fd;
  db::SetRecoveryNeededHook(&NoteRecoveryNeeded);
}

void RunWorkerLoop(const ServerSpec& spec, const WorkerOptions& options, Context* ctx) {
  Worker worker(spec, options, ctx);
  worker.Run();
}

}  // namespace satrap::service
