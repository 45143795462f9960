#include "spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "base/file.h"
#include "base/strings.h"
#include "log/log.h"
#include "service/master_protocol.h"
#include "signals.h"

extern char** environ;

namespace satrap::master {

namespace {

// Everything the child needs, prepared before fork so that the child only
// makes system calls.
struct ExecPlan {
  std::string path;
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

bool IsContractVariable(const char* entry) {
  for (const char* name : {service::kEnvService, service::kEnvListenFds, service::kEnvLogStderr,
                           service::kEnvGeneration, service::kEnvImapdConf}) {
    size_t len = std::strlen(name);
    if (std::strncmp(entry, name, len) == 0 && entry[len] == '=') return true;
  }
  return false;
}

ExecPlan MakePlan(const SpawnRequest& request, const SpawnEnvironment& env) {
  ExecPlan plan;
  plan.path = ResolveProgram(request.argv[0], env);
  plan.argv_storage = request.argv;
  bool has_config_flag = false;
  for (const std::string& arg : request.argv) has_config_flag = has_config_flag || arg == "-C";
  if (!request.listen_fds.empty() && !env.imapd_conf.empty() && !has_config_flag) {
    plan.argv_storage.insert(plan.argv_storage.begin() + 1, {"-C", env.imapd_conf});
  }
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!IsContractVariable(*e)) plan.env_storage.emplace_back(*e);
  }
  if (!request.service_name.empty()) {
    plan.env_storage.push_back(std::string(service::kEnvService) + "=" + request.service_name);
  }
  if (!request.listen_fds.empty()) {
    plan.env_storage.push_back(std::string(service::kEnvListenFds) + "=" +
                               std::to_string(request.listen_fds.size()));
    plan.env_storage.push_back(std::string(service::kEnvGeneration) + "=" +
                               std::to_string(request.generation));
  }
  if (!env.imapd_conf.empty()) {
    plan.env_storage.push_back(std::string(service::kEnvImapdConf) + "=" + env.imapd_conf);
  }
  if (env.log_stderr) plan.env_storage.push_back(std::string(service::kEnvLogStderr) + "=1");
  for (auto& s : plan.argv_storage) plan.argv.push_back(s.data());
  plan.argv.push_back(nullptr);
  for (auto& s : plan.env_storage) plan.envp.push_back(s.data());
  plan.envp.push_back(nullptr);
  return plan;
}

// In the child: puts the status pipe on 3 and the listeners on 4, 5, ...
// Sources are first moved above every target so no dup2 clobbers another.
void ArrangeDescriptors(const SpawnRequest& request) {
  std::vector<std::pair<int, int>> moves;  // (source, target)
  if (request.status_fd >= 0) moves.emplace_back(request.status_fd, service::kStatusFd);
  for (size_t i = 0; i < request.listen_fds.size(); ++i) {
    moves.emplace_back(request.listen_fds[i], service::kListenFd + static_cast<int>(i));
  }
  int high_base = 64 + static_cast<int>(moves.size());
  for (auto& move : moves) move.first = ::fcntl(move.first, F_DUPFD_CLOEXEC, high_base);
  for (const auto& move : moves) ::dup2(move.first, move.second);  // dup2 clears CLOEXEC
  // Targets are 3, 4, ... in order, so the first free descriptor follows them.
  unsigned first_free = 3 + static_cast<unsigned>(moves.size());
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, first_free, ~0U, 0) == 0) return;
#endif
  for (int fd = static_cast<int>(first_free); fd < 1024; ++fd) ::close(fd);
}

}  // namespace

std::string SelfDirectory() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  buf[n] = '\0';
  return DirName(buf);
}

std::string ResolveProgram(std::string_view program, const SpawnEnvironment& env) {
  if (program.find('/') != std::string_view::npos) return std::string(program);
  if (!env.serverbin.empty()) return JoinPath(env.serverbin, program);
  if (!env.self_dir.empty()) return JoinPath(env.self_dir, program);
  return std::string(program);
}

Result<pid_t> Spawn(const SpawnRequest& request, const SpawnEnvironment& env) {
  if (request.argv.empty()) return Status::Invalid("empty command");
  ExecPlan plan = MakePlan(request, env);
  pid_t pid = ::fork();
  if (pid < 0) return Status::FromErrno("fork", errno);
  if (pid > 0) return pid;
  ResetSignalsInChild();
  if (request.block_sighup) {
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    ::sigprocmask(SIG_BLOCK, &hup, nullptr);
  }
  ArrangeDescriptors(request);
  ::execve(plan.path.c_str(), plan.argv.data(), plan.envp.data());
  log::Error("can't exec %s for %s: %s", plan.path.c_str(),
             request.service_name.empty() ? "START" : request.service_name.c_str(),
             std::strerror(errno));
  ::_exit(EX_OSERR);
}

Result<int> RunToCompletion(const SpawnRequest& request, const SpawnEnvironment& env) {
  SATRAP_ASSIGN_OR_RETURN(pid_t pid, Spawn(request, env));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::FromErrno("waitpid", errno);
  }
  return status;
}

}  // namespace satrap::master
