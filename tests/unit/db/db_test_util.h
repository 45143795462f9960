// Helpers shared by the db tests: a scratch folder under /tmp and child
// processes that report back through their exit status.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/kv.h"

namespace satrap::db::testing {

// mkdtemp under /tmp; removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Options for tests: fail fast instead of hanging when a lock is stuck.
EnvironmentOptions TestOptions();

// Forks; the child runs `body` and _exit()s with its return value, so that
// the child never runs the parent's destructors or gtest's atexit handlers.
pid_t ForkChild(const std::function<int()>& body);
// waitpid; the exit status, or 128 + signal number.
int WaitChild(pid_t pid);

// Runs `argv` (argv[0] is the path) and returns its exit status, with its
// stdout in `*out` when `out` is not null.
int RunProgram(const std::vector<std::string>& argv, std::string* out = nullptr);

}  // namespace satrap::db::testing
