// cyrmaster: the Satrap process supervisor, a drop-in for Cyrus's master.
//
//   cyrmaster [-C imapd.conf] [-M cyrus.conf] [-p pidfile] [-l backlog] [-d | -D]
//
// Order of work, each step for a reason:
//   1. read both configuration files; refuse to start on any error, naming
//      the file and line;
//   2. detach (-d), take the pidfile lock, install the signal self-pipe;
//   3. bind every service socket, while still root (privileged ports);
//   4. become cyrus_user, so nothing below ever runs as root;
//   5. run START entries in order, each to completion;
//   6. listen(): only now can clients connect;
//   7. supervise until SIGTERM; remove the pidfile.
#include <fcntl.h>
#include <sys/file.h>
#include <sysexits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/file.h"
#include "base/strings.h"
#include "config/cyrus_conf.h"
#include "config/imapd_config.h"
#include "log/log.h"
#include "privileges.h"
#include "service_table.h"
#include "signals.h"
#include "supervisor.h"

namespace satrap::master {
namespace {

constexpr const char* kDefaultPidFile = "/run/cyrus-master.pid";

struct Flags {
  std::string imapd_conf = config::kDefaultImapdConf;
  std::string cyrus_conf = config::kDefaultCyrusConf;
  std::string pidfile = kDefaultPidFile;
  int backlog = 32;
  bool detach = false;
  bool debug = false;
};

[[noreturn]] void Usage() {
  std::fprintf(stderr,
               "usage: cyrmaster [-C imapd.conf] [-M cyrus.conf] [-p pidfile] [-l backlog] "
               "[-d | -D]\n");
  std::exit(EX_USAGE);
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:M:p:l:dDj:L:")) != -1) {
    switch (opt) {
      case 'C': flags.imapd_conf = optarg; break;
      case 'M': flags.cyrus_conf = optarg; break;
      case 'p': flags.pidfile = optarg; break;
      case 'l': {
        std::optional<uint64_t> backlog = ParseUint64(optarg);
        if (!backlog || *backlog == 0 || *backlog > 65535) Usage();
        flags.backlog = static_cast<int>(*backlog);
        break;
      }
      case 'd': flags.detach = true; break;
      case 'D': flags.debug = true; break;
      case 'j':
      case 'L': break;  // Cyrus janitor period and log file: accepted, unused
      default: Usage();
    }
  }
  if (optind != argc || (flags.detach && flags.debug)) Usage();
  return flags;
}

// Forks; the parent waits until the child reports that it is listening (a
// byte on the returned pipe) and exits with success, or with failure if the
// child dies first. Returns the write end in the child.
UniqueFd Detach() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) log::Fatal(EX_OSERR, "pipe: %s", std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) log::Fatal(EX_OSERR, "fork: %s", std::strerror(errno));
  if (pid > 0) {
    ::close(fds[1]);
    char byte = 0;
    ssize_t n;
    do {
      n = ::read(fds[0], &byte, 1);
    } while (n < 0 && errno == EINTR);
    ::_exit(n == 1 ? 0 : EX_OSERR);
  }
  ::close(fds[0]);
  ::setsid();
  int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (null > 2) ::close(null);
  }
  return UniqueFd(fds[1]);
}

// Locks and writes the pidfile; the lock keeps a second master from starting
// on the same pidfile. The descriptor stays open for the process lifetime.
UniqueFd WritePidFile(const std::string& path) {
  Result<UniqueFd> fd = OpenFile(path, O_RDWR | O_CREAT, 0644);
  if (!fd.ok()) log::Fatal(EX_OSERR, "pidfile: %s", fd.status().message().c_str());
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    log::Fatal(EX_OSERR, "pidfile %s is locked: is another cyrmaster running?", path.c_str());
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd->get(), 0) != 0 || !WriteAll(fd->get(), pid).ok()) {
    log::Fatal(EX_OSERR, "pidfile %s: write: %s", path.c_str(), std::strerror(errno));
  }
  return std::move(fd).value();
}

MasterTable LoadTableOrExit(const std::string& path) {
  Result<config::CyrusConf> conf = config::LoadCyrusConf(path);
  if (!conf.ok()) log::Fatal(EX_CONFIG, "%s", conf.status().message().c_str());
  Result<MasterTable> table = BuildMasterTable(*conf);
  if (!table.ok()) log::Fatal(EX_CONFIG, "%s", table.status().message().c_str());
  for (const std::string& warning : table->warnings) log::Warning("%s", warning.c_str());
  return std::move(table).value();
}

int Main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  log::Options log_options;
  log_options.ident = "master";
  log_options.to_stderr = flags.debug;
  log::Init(log_options);

  config::Config config = config::LoadOrExit(flags.imapd_conf);
  MasterTable table = LoadTableOrExit(flags.cyrus_conf);

  UniqueFd ready_pipe;
  if (flags.detach) ready_pipe = Detach();
  UniqueFd pidfile = WritePidFile(flags.pidfile);
  Status s = InstallSignalHandlers();
  if (!s.ok()) log::Fatal(EX_OSERR, "%s", s.message().c_str());

  SupervisorOptions options;
  options.imapd_conf = flags.imapd_conf;
  options.cyrus_conf = flags.cyrus_conf;
  options.backlog = flags.backlog;
  options.spawn.self_dir = SelfDirectory();
  options.spawn.log_stderr = flags.debug;
  if (flags.imapd_conf != config::kDefaultImapdConf) options.spawn.imapd_conf = flags.imapd_conf;
  ApplyImapdSettings(config, &options.spawn);

  Supervisor supervisor(std::move(options), std::move(table));
  s = supervisor.BindAll();
  if (!s.ok()) log::Fatal(EX_OSERR, "%s", s.message().c_str());
  s = DropPrivileges(config.GetString("cyrus_user"), config.GetString("cyrus_group"));
  if (!s.ok()) log::Fatal(EX_CONFIG, "can't drop privileges: %s", s.message().c_str());
  supervisor.RunStartJobs();
  s = supervisor.ListenAll();
  if (!s.ok()) log::Fatal(EX_OSERR, "%s", s.message().c_str());
  if (ready_pipe.valid()) {
    (void)WriteAll(ready_pipe.get(), "1");
    ready_pipe.Reset();
  }
  supervisor.Run();
  if (::unlink(flags.pidfile.c_str()) != 0) {
    log::Warning("unlink %s: %s", flags.pidfile.c_str(), std::strerror(errno));
  }
  return 0;
}

}  // namespace
}  // namespace satrap::master

int main(int argc, char** argv) { return satrap::master::Main(argc, argv); }
