#include "db_test_util.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "base/check.h"

namespace satrap::db::testing {

ScratchDir::ScratchDir() {
  char templ[] = "/tmp/satrap-db-test.XXXXXX";
  CHECK(::mkdtemp(templ) != nullptr) << "mkdtemp failed";
  path_ = templ;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

EnvironmentOptions TestOptions() {
  EnvironmentOptions options;
  options.lock_timeout_ms = 5000;
  options.durable = false;  // still survives SIGKILL: the log is written, not fsynced
  return options;
}

pid_t ForkChild(const std::function<int()>& body) {
  pid_t pid = ::fork();
  CHECK(pid >= 0) << "fork failed";
  if (pid == 0) ::_exit(body());
  return pid;
}

int WaitChild(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    CHECK(errno == EINTR) << "waitpid failed";
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int RunProgram(const std::vector<std::string>& argv, std::string* out) {
  int pipe_fds[2];
  CHECK(::pipe(pipe_fds) == 0);
  pid_t pid = ::fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  std::string collected;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buf, sizeof(buf))) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    collected.append(buf, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  if (out != nullptr) *out = collected;
  return WaitChild(pid);
}

}  // namespace satrap::db::testing
