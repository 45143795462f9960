#include "reaper.h"

#include <sys/wait.h>

#include <cerrno>

#include "base/strings.h"
#include "log/log.h"

namespace satrap::master {

std::vector<ChildExit> ReapChildren() {
  std::vector<ChildExit> out;
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      out.push_back({pid, status});
      continue;
    }
    if (pid < 0 && errno == EINTR) continue;
    break;  // 0: none left exited; ECHILD: no children at all
  }
  return out;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return StringPrintf("status %d", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return StringPrintf("signaled to death by %d%s", WTERMSIG(status),
                        WCOREDUMP(status) ? " (core dumped)" : "");
  }
  return StringPrintf("wait status 0x%x", status);
}

bool IsAbnormalExit(int status) { return !(WIFEXITED(status) && WEXITSTATUS(status) == 0); }

void LogExit(const ChildExit& exit, const std::string& what) {
  std::string how = DescribeWaitStatus(exit.status);
  if (IsAbnormalExit(exit.status)) {
    log::Error("process %d exited, %s (%s)", static_cast<int>(exit.pid), how.c_str(), what.c_str());
  } else {
    log::Info("process %d exited, %s (%s)", static_cast<int>(exit.pid), how.c_str(), what.c_str());
  }
}

}  // namespace satrap::master
