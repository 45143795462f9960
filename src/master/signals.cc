#include "signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace satrap::master {

namespace {

// Plain ints: read from a signal handler, so no objects with destructors.
int g_pipe_read = -1;
int g_pipe_write = -1;

constexpr int kHandled[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT};

void OnSignal(int signo) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  // A full pipe already holds a wake-up; dropping this byte loses nothing
  // but a duplicate.
  ssize_t ignored = ::write(g_pipe_write, &byte, 1);
  (void)ignored;
  errno = saved;
}

}  // namespace

Status InstallSignalHandlers() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return Status::FromErrno("pipe", errno);
  g_pipe_read = fds[0];
  g_pipe_write = fds[1];
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  for (int signo : kHandled) {
    if (::sigaction(signo, &sa, nullptr) != 0) return Status::FromErrno("sigaction", errno);
  }
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, nullptr);
  return Status();
}

int SignalFd() { return g_pipe_read; }

std::vector<int> DrainSignals() {
  std::vector<int> out;
  unsigned char buf[64];
  for (;;) {
    ssize_t n = ::read(g_pipe_read, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      if (std::find(out.begin(), out.end(), buf[i]) == out.end()) out.push_back(buf[i]);
    }
  }
  return out;
}

void ResetSignalsInChild() {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  for (int signo : kHandled) ::sigaction(signo, &sa, nullptr);
  ::sigaction(SIGPIPE, &sa, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace satrap::master
