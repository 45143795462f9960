// Database recovery without an operator.
//
// A process killed inside Berkeley DB while it held a region mutex leaves the
// shared environment half-changed: failchk (run by every process when it
// opens the environment) then says it needs recovery, and every process
// blocked on that mutex stays blocked. Cyrus needs an operator to stop the
// services and run `ctl_cyrusdb -r`; until then every delivery is deferred.
//
// Here the worker that finds out tells the master (kNeedsRecovery), and the
// master does what the operator would: no new children; every worker asked
// to leave (SIGHUP), events and daemons stopped (SIGTERM); after
// `recovery_grace` the rest are killed (those blocked on the dead mutex never
// leave by themselves). With no process left in the environment it runs the
// START entry that runs `ctl_cyrusdb -r` (or that command itself), then
// starts the services again with their throttles cleared. Connections that
// arrive meanwhile wait in the listen backlog.
//
// Nothing acknowledged is lost: a worker killed here had not answered what it
// was doing, and every acknowledged change is in the transaction log that
// recovery replays. A recovery that fails is logged and tried again, at most
// every kRetryInterval, as long as workers keep asking for it; after one that
// worked, a new death inside the library is recovered from at once.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>

#include "base/strings.h"
#include "log/log.h"
#include "reaper.h"
#include "supervisor.h"

namespace satrap::master {
namespace {

constexpr std::chrono::seconds kRetryInterval{10};

bool IsRecoveryCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) return false;
  const std::string& program = argv[0];
  const size_t slash = program.rfind('/');
  if (program.substr(slash == std::string::npos ? 0 : slash + 1) != "ctl_cyrusdb") return false;
  return std::find(argv.begin() + 1, argv.end(), "-r") != argv.end();
}

}  // namespace

std::vector<std::string> Supervisor::RecoveryCommand() const {
  // The site's own START line keeps its path and flags (-x, -C).
  for (const CommandSpec& job : table_.start) {
    if (IsRecoveryCommand(job.argv)) return job.argv;
  }
  return {"ctl_cyrusdb", "-r"};
}

void Supervisor::RequestRecovery(pid_t pid, const std::string& who) {
  if (shutting_down_) return;
  if (recovery_.requested) {
    log::Debug("%s pid %d also asks for database recovery", who.c_str(), pid);
    return;
  }
  if (recovery_.last_failed != Clock::time_point{}) {
    recovery_.not_before = recovery_.last_failed + kRetryInterval;
  }
  log::Error("%s pid %d: the database environment needs recovery (a process died inside "
             "Berkeley DB); stopping %zu child(ren) to run it",
             who.c_str(), pid, children_.size());
  recovery_.requested = true;
  recovery_.stop_sent = false;
  recovery_.killed = false;
}

void Supervisor::AdvanceRecovery(Clock::time_point now) {
  if (!recovery_.stop_sent) {
    recovery_.stop_sent = true;
    recovery_.kill_at = now + options_.recovery_grace;
    for (auto& [name, pool] : pools_) RetireWorkers(*pool);
    for (auto& pool : retired_pools_) RetireWorkers(*pool);
    for (auto& [pid, child] : children_) {
      if (child.kind == Child::Kind::kWorker || child.retiring) continue;
      child.retiring = true;
      ::kill(pid, SIGTERM);
    }
  }
  if (recovery_.job != 0) return;
  if (!children_.empty()) {
    if (!recovery_.killed && now >= recovery_.kill_at) {
      recovery_.killed = true;
      log::Warning("database recovery: killing %zu child(ren) still in the environment",
                   children_.size());
      for (auto& [pid, child] : children_) {
        child.retiring = true;
        ::kill(pid, SIGKILL);
      }
    }
    return;
  }
  if (now < recovery_.not_before) return;
  SpawnRequest request;
  request.argv = RecoveryCommand();
  Result<pid_t> pid = Spawn(request, options_.spawn);
  if (!pid.ok()) {
    log::Error("database recovery: %s", pid.status().message().c_str());
    FinishRecovery(-1);
    return;
  }
  log::Notice("database recovery: running %s (process %d)", Join(request.argv, " ").c_str(),
              static_cast<int>(*pid));
  recovery_.job = *pid;
  Child child;
  child.kind = Child::Kind::kRecovery;
  child.name = "recovery";
  child.state = ChildState::kBusy;
  child.spawned = now;
  children_[*pid] = child;
}

void Supervisor::FinishRecovery(int status) {
  if (status >= 0 && !IsAbnormalExit(status)) {
    log::Notice("database recovery done; starting the services again");
  } else {
    log::Error("database recovery failed (%s); starting the services again, and recovering "
               "again if they still find the environment damaged",
               status >= 0 ? DescribeWaitStatus(status).c_str() : "not started");
  }
  const bool failed = status < 0 || IsAbnormalExit(status);
  recovery_ = Recovery{.last_failed = failed ? Clock::now() : Clock::time_point{}};
  // The deaths that led here were not the commands' fault.
  for (auto& [name, pool] : pools_) pool->backoff.Reset();
  for (auto& [name, slot] : daemons_) slot.backoff.Reset();
}

}  // namespace satrap::master
