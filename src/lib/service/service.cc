#include "service/service.h"

#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "base/check.h"
#include "base/file.h"
#include "base/memory.h"
#include "base/strings.h"
#include "log/log.h"
#include "net/listen.h"
#include "net/peer.h"
#include "service/master_protocol.h"
#include "service/worker_loop.h"

namespace satrap::service {

std::string ConnectionInfo::PeerString() const {
  if (is_unix) return "unix";
  return StringPrintf("[%s]:%d", peer_ip.c_str(), peer_port);
}

namespace {

struct Flags {
  std::string imapd_conf;
  std::string standalone;  // -L host:port
  std::optional<int> idle_timeout;
};

[[noreturn]] void Usage(const ServerSpec& spec) {
  std::fprintf(stderr, "usage: %s [-C imapd.conf] [-U uses] [-s] [-D] [-T seconds] [-L host:port]\n",
               spec.name.c_str());
  std::exit(EX_USAGE);
}

Flags ParseFlags(int argc, char** argv, const ServerSpec& spec, Context* ctx) {
  Flags flags;
  std::string letters = "C:U:sDT:L:" + spec.extra_options;
  int opt;
  while ((opt = ::getopt(argc, argv, letters.c_str())) != -1) {
    std::optional<uint64_t> number;
    switch (opt) {
      case 'C': flags.imapd_conf = optarg; break;
      case 'U':
        number = ParseUint64(optarg);
        if (!number || *number == 0 || *number > 1000000) Usage(spec);
        ctx->max_use = static_cast<int>(*number);
        break;
      case 's': ctx->tls_from_start = true; break;
      case 'D': ctx->debug = true; break;
      case 'T':
        number = ParseUint64(optarg);
        if (!number || *number == 0 || *number > 86400) Usage(spec);
        flags.idle_timeout = static_cast<int>(*number);
        break;
      case 'L': flags.standalone = optarg; break;
      default:
        if (opt == '?' || !spec.option || !spec.option(*ctx, opt, optarg)) Usage(spec);
    }
  }
  for (int i = optind; i < argc; ++i) ctx->args.emplace_back(argv[i]);
  return flags;
}

// -L host:port, [v6]:port or port: the worker's own listening socket.
std::vector<int> ListenStandalone(const std::string& where) {
  net::ListenAddress address;
  std::string port = where;
  if (size_t colon = where.rfind(':'); colon != std::string::npos) {
    address.host = where.substr(0, colon);
    port = where.substr(colon + 1);
    if (address.host.size() >= 2 && address.host.front() == '[') {
      address.host = address.host.substr(1, address.host.size() - 2);
    }
  }
  std::optional<uint64_t> number = ParseUint64(port);
  if (!number || *number > 65535) log::Fatal(EX_USAGE, "-L %s: bad port", where.c_str());
  address.port = static_cast<uint16_t>(*number);
  Result<std::vector<net::BoundSocket>> sockets = net::BindListeners(address);
  if (!sockets.ok()) log::Fatal(EX_OSERR, "-L %s: %s", where.c_str(), sockets.status().message().c_str());
  std::vector<int> fds;
  for (net::BoundSocket& socket : *sockets) {
    Status s = net::Listen(socket, 16);
    if (!s.ok()) log::Fatal(EX_OSERR, "%s", s.message().c_str());
    fds.push_back(socket.fd.Release());
  }
  return fds;
}

// The descriptors cyrmaster handed over: 4, 5, ... (SATRAP_LISTEN_FDS of them).
std::vector<int> InheritedListeners() {
  int count = 1;
  if (const char* env = std::getenv(kEnvListenFds)) {
    std::optional<uint64_t> n = ParseUint64(env);
    if (n && *n >= 1 && *n <= 64) count = static_cast<int>(*n);
  }
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    struct stat st;
    int fd = kListenFd + i;
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
      log::Fatal(EX_USAGE,
                 "no listening socket on descriptor %d: not started by cyrmaster "
                 "(use -L host:port to run standalone)",
                 fd);
    }
    fds.push_back(fd);
  }
  return fds;
}

void InitLogging(const Context& ctx) {
  log::Options options = log::CurrentOptions();
  options.ident = ctx.service_name;
  const char* env = std::getenv(kEnvLogStderr);
  options.to_stderr = ctx.debug || (env != nullptr && std::strcmp(env, "1") == 0);
  options.debug = ctx.debug;
  log::Init(options);
}

}  // namespace

int Main(int argc, char** argv, const ServerSpec& spec) {
  UseOneMallocArena();
  Context ctx;
  ctx.program = spec.name;
  ctx.max_use = kDefaultMaxUse;
  const char* service_env = std::getenv(kEnvService);
  ctx.service_name = service_env != nullptr && *service_env != '\0' ? service_env : spec.name;
  InitLogging(ctx);  // early, so flag and root errors are logged
  Flags flags = ParseFlags(argc, argv, spec, &ctx);
  InitLogging(ctx);
  if (::geteuid() == 0 || ::getuid() == 0) {
    log::Fatal(EX_USAGE, "%s must not run as root; cyrmaster starts it as cyrus_user",
               spec.name.c_str());
  }
  if (!spec.serve && !spec.serve_datagram) PANIC() << spec.name << ": ServerSpec without serve";
  if (flags.imapd_conf.empty()) {
    if (const char* env = std::getenv(kEnvImapdConf)) flags.imapd_conf = env;
  }
  ctx.config = config::LoadOrExit(flags.imapd_conf);

  WorkerOptions options;
  options.limits = spec.limits;
  if (flags.idle_timeout) options.limits.idle_timeout = std::chrono::seconds(*flags.idle_timeout);
  const std::string& configdir = ctx.config.GetString("configdirectory");
  if (!configdir.empty()) options.proc_dir = JoinPath(configdir, "proc");
  if (flags.standalone.empty()) {
    options.listen_fds = InheritedListeners();
    options.status_fd = kStatusFd;
    options.master_pid = ::getppid();
  } else {
    options.listen_fds = ListenStandalone(flags.standalone);
  }

  InstallRecoveryNotice(options.status_fd);
  if (spec.init) {
    Status s = spec.init(ctx);
    if (!s.ok()) {
      log::Fatal(s.Is(Code::kInvalid) ? EX_CONFIG : EX_TEMPFAIL, "%s: init: %s", spec.name.c_str(),
                 s.ToString().c_str());
    }
  }
  RunWorkerLoop(spec, options, &ctx);
  if (spec.shutdown) spec.shutdown(ctx);
  return 0;
}

}  // namespace satrap::service
