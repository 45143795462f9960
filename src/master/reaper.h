// Collecting dead children and saying how they died, in Cyrus's words:
//   process 123 exited, status 0
//   process 123 exited, signaled to death by 11
// What a death means for the service (replace, throttle) is the
// supervisor's; the throttle itself is backoff.h.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace satrap::master {

struct ChildExit {
  pid_t pid = 0;
  int status = 0;  // raw wait status
};

// Every child that has exited, without blocking (waitpid WNOHANG).
std::vector<ChildExit> ReapChildren();

// "status 1", "signaled to death by 11", "signaled to death by 6 (core dumped)".
std::string DescribeWaitStatus(int status);

// Anything but a clean exit 0.
bool IsAbnormalExit(int status);

// Logs "process <pid> exited, ..." at the right level: a clean exit is
// debug-level chatter, a failure an error.
void LogExit(const ChildExit& exit, const std::string& what);

}  // namespace satrap::master
