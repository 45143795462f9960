#include "supervisor.h"

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <ctime>

#include "base/strings.h"
#include "config/cyrus_conf.h"
#include "log/log.h"
#include "reaper.h"
#include "signals.h"

namespace satrap::master {

const char* ChildStateName(ChildState state) {
  switch (state) {
    case ChildState::kUnknown: return "UNKNOWN";
    case ChildState::kReady: return "READY";
    case ChildState::kBusy: return "BUSY";
    case ChildState::kDead: return "DEAD";
  }
  return "?";
}

void ApplyImapdSettings(const config::Config& config, SpawnEnvironment* spawn) {
  spawn->serverbin = config.GetString("serverbin");
  const std::string& text = config.GetString("umask");
  char* end = nullptr;
  long mask = std::strtol(text.c_str(), &end, 8);
  if (text.empty() || *end != '\0' || mask < 0 || mask > 0777) {
    log::Warning("umask: not an octal mode: '%s'; using 077", text.c_str());
    mask = 077;
  }
  ::umask(static_cast<mode_t>(mask));
}

Supervisor::Supervisor(SupervisorOptions options, MasterTable table)
    : options_(std::move(options)), table_(std::move(table)) {}

Status Supervisor::BindAll() {
  for (const ServiceSpec& spec : table_.services) {
    auto pool = std::make_unique<ServicePool>(spec);
    SATRAP_RETURN_IF_ERROR(pool->Bind());
    pools_[spec.name] = std::move(pool);
  }
  return Status();
}

void Supervisor::RunStartJobs() {
  for (const CommandSpec& job : table_.start) {
    SpawnRequest request;
    request.argv = job.argv;
    log::Debug("START %s: running %s", job.name.c_str(), job.argv[0].c_str());
    Result<int> status = RunToCompletion(request, options_.spawn);
    if (!status.ok()) {
      log::Error("START %s: %s", job.name.c_str(), status.status().message().c_str());
    } else if (IsAbnormalExit(*status)) {
      log::Error("START %s: %s exited, %s", job.name.c_str(), job.argv[0].c_str(),
                 DescribeWaitStatus(*status).c_str());
    }
  }
}

Status Supervisor::ListenAll() {
  for (auto& [name, pool] : pools_) SATRAP_RETURN_IF_ERROR(pool->Listen(options_.backlog));
  for (const CommandSpec& spec : table_.daemons) daemons_[spec.name].spec = spec;
  events_.Reset(table_.events, ::time(nullptr));
  log::Notice("ready for work: %zu service(s), %zu event(s), %zu daemon(s)", pools_.size(),
              table_.events.size(), daemons_.size());
  return Status();
}

void Supervisor::Run() {
  for (;;) {
    // Status first: a worker's last message may precede its death.
    ReadAllStatus();
    HandleSignals();
    ReapAll();
    // A reload waits for a recovery in progress: it would start workers.
    if (reload_requested_ && !shutting_down_ && !recovery_.requested) {
      Reload();
      reload_requested_ = false;
    }
    Clock::time_point now = Clock::now();
    if (shutting_down_) {
      if (children_.empty()) break;
      if (!killed_ && now >= shutdown_deadline_) KillRemaining();
    } else if (recovery_.requested) {
      AdvanceRecovery(now);
    } else {
      MaintainPools(now);
      RunDueEvents();
      MaintainDaemons(now);
    }
    PollOnce();
  }
  log::Notice("all children gone; exiting");
}

void Supervisor::HandleSignals() {
  for (int signo : DrainSignals()) {
    if (signo == SIGHUP) {
      reload_requested_ = true;
    } else if (signo == SIGTERM || signo == SIGINT || signo == SIGQUIT) {
      if (!shutting_down_) BeginShutdown(signo);
    }
    // SIGCHLD needs nothing more: ReapAll runs on every turn.
  }
}

void Supervisor::ReapAll() {
  Clock::time_point now = Clock::now();
  for (const ChildExit& exit : ReapChildren()) {
    auto it = children_.find(exit.pid);
    if (it == children_.end()) {
      LogExit(exit, "unknown child");
      continue;
    }
    Child& child = it->second;
    const char* kind = child.kind == Child::Kind::kWorker     ? "service"
                       : child.kind == Child::Kind::kEvent    ? "event"
                       : child.kind == Child::Kind::kRecovery ? "database"
                                                              : "daemon";
    std::string what = StringPrintf("%s %s", kind, child.name.c_str());
    if (child.retiring && WIFSIGNALED(exit.status)) {
      // We asked it to stop (reload, shutdown): not a crash.
      log::Info("process %d stopped by signal %d (%s)", exit.pid, WTERMSIG(exit.status),
                what.c_str());
    } else {
      LogExit(exit, what);
    }
    if (child.kind == Child::Kind::kWorker) {
      OnWorkerExit(child, exit.status, now);
    } else if (child.kind == Child::Kind::kRecovery) {
      if (recovery_.job == exit.pid) FinishRecovery(exit.status);
    } else if (child.kind == Child::Kind::kDaemon) {
      auto slot = daemons_.find(child.name);
      if (slot != daemons_.end() && slot->second.pid == exit.pid) {
        slot->second.pid = 0;
        if (slot->second.removed) {
          daemons_.erase(slot);
        } else if (!child.retiring && !shutting_down_ &&
                   Backoff::IsEarlyDeath(IsAbnormalExit(exit.status), false, now - child.spawned)) {
          auto delay = slot->second.backoff.FailedStart(now);
          log::Warning("daemon %s died at once; restarting in %lld ms", child.name.c_str(),
                       static_cast<long long>(delay.count()));
        }
      }
    }
    children_.erase(it);
  }
}

void Supervisor::Reload() {
  log::Notice("SIGHUP: reloading %s and %s", options_.imapd_conf.c_str(),
              options_.cyrus_conf.c_str());
  Result<config::Config> config = config::Config::Load(options_.imapd_conf);
  if (!config.ok()) {
    log::Error("reload refused, keeping the running configuration: %s",
               config.status().message().c_str());
    return;
  }
  Result<config::CyrusConf> conf = config::LoadCyrusConf(options_.cyrus_conf);
  Result<MasterTable> table =
      conf.ok() ? BuildMasterTable(*conf) : Result<MasterTable>(conf.status());
  if (!table.ok()) {
    log::Error("reload refused, keeping the running configuration: %s",
               table.status().message().c_str());
    return;
  }
  for (const std::string& warning : table->warnings) log::Warning("%s", warning.c_str());
  ApplyImapdSettings(*config, &options_.spawn);
  ReconcileServices(table->services);
  ReconcileDaemons(table->daemons);
  events_.Reset(table->events, ::time(nullptr));
  table_ = std::move(table).value();
  log::Notice("reload done: %zu service(s), %zu event(s), %zu daemon(s)", pools_.size(),
              table_.events.size(), table_.daemons.size());
}

void Supervisor::ReconcileDaemons(const std::vector<CommandSpec>& specs) {
  for (auto it = daemons_.begin(); it != daemons_.end();) {
    bool kept = false;
    for (const CommandSpec& spec : specs) kept = kept || spec.name == it->first;
    if (kept) {
      ++it;
      continue;
    }
    it->second.removed = true;
    if (it->second.pid == 0) {
      it = daemons_.erase(it);
      continue;
    }
    if (auto child = children_.find(it->second.pid); child != children_.end()) {
      child->second.retiring = true;
    }
    ::kill(it->second.pid, SIGTERM);
    ++it;
  }
  for (const CommandSpec& spec : specs) {
    DaemonSlot& slot = daemons_[spec.name];
    if (slot.spec == spec) continue;
    slot.spec = spec;
    if (slot.pid != 0) {
      // Restarted with the new command once it has exited.
      if (auto child = children_.find(slot.pid); child != children_.end()) {
        child->second.retiring = true;
      }
      ::kill(slot.pid, SIGTERM);
    }
  }
}

void Supervisor::MaintainDaemons(Clock::time_point now) {
  for (auto& [name, slot] : daemons_) {
    if (slot.removed || slot.pid != 0 || slot.backoff.Throttled(now)) continue;
    SpawnRequest request;
    request.argv = slot.spec.argv;
    Result<pid_t> pid = Spawn(request, options_.spawn);
    if (!pid.ok()) {
      slot.backoff.FailedStart(now);
      log::Error("daemon %s: %s", name.c_str(), pid.status().message().c_str());
      continue;
    }
    slot.pid = *pid;
    Child child;
    child.kind = Child::Kind::kDaemon;
    child.name = name;
    child.state = ChildState::kBusy;
    child.spawned = now;
    children_[*pid] = child;
  }
}

void Supervisor::RunDueEvents() {
  for (const EventSpec& event : events_.TakeDue(::time(nullptr))) {
    SpawnRequest request;
    request.argv = event.argv;
    Result<pid_t> pid = Spawn(request, options_.spawn);
    if (!pid.ok()) {
      log::Error("event %s: %s", event.name.c_str(), pid.status().message().c_str());
      continue;
    }
    log::Debug("event %s: started process %d", event.name.c_str(), *pid);
    Child child;
    child.kind = Child::Kind::kEvent;
    child.name = event.name;
    child.state = ChildState::kBusy;
    child.spawned = Clock::now();
    children_[*pid] = child;
  }
}

void Supervisor::BeginShutdown(int signo) {
  log::Notice("exiting on signal %d: no new connections; %zu child(ren) to finish within %llds",
              signo, children_.size(), static_cast<long long>(options_.shutdown_grace.count()));
  shutting_down_ = true;
  shutdown_deadline_ = Clock::now() + options_.shutdown_grace;
  std::vector<std::string> names;
  for (const auto& [name, pool] : pools_) names.push_back(name);
  for (const std::string& name : names) RemovePool(name);
  for (auto& [pid, child] : children_) {
    if (child.kind == Child::Kind::kWorker || child.retiring) continue;
    child.retiring = true;
    ::kill(pid, SIGTERM);
  }
}

void Supervisor::KillRemaining() {
  killed_ = true;
  log::Warning("shutdown grace period over; killing %zu child(ren)", children_.size());
  for (auto& [pid, child] : children_) {
    child.retiring = true;
    ::kill(pid, SIGKILL);
  }
}

int Supervisor::PollTimeoutMs(Clock::time_point now) const {
  // At most a second: throttles and fork-rate windows expire on their own.
  int64_t timeout = 1000;
  if (std::optional<time_t> next = events_.NextDue(); next && !shutting_down_) {
    int64_t ms = (static_cast<int64_t>(*next) - ::time(nullptr)) * 1000;
    timeout = std::min(timeout, std::max<int64_t>(ms, 0));
  }
  if (shutting_down_ && !killed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(shutdown_deadline_ - now);
    timeout = std::min<int64_t>(timeout, std::max<int64_t>(left.count(), 0));
  }
  // A recovery moves on deadlines of its own (kill, retry): look often.
  if (recovery_.requested) timeout = std::min<int64_t>(timeout, 50);
  return static_cast<int>(timeout);
}

void Supervisor::PollOnce() {
  Clock::time_point now = Clock::now();
  std::vector<pollfd> fds;
  std::vector<ServicePool*> owners;  // parallel to fds; null for non-listeners
  fds.push_back({SignalFd(), POLLIN, 0});
  owners.push_back(nullptr);
  auto add_status = [&](ServicePool& pool) {
    if (pool.status_read_fd() < 0) return;
    fds.push_back({pool.status_read_fd(), POLLIN, 0});
    owners.push_back(nullptr);
  };
  for (auto& [name, pool] : pools_) add_status(*pool);
  for (auto& pool : retired_pools_) add_status(*pool);
  if (!shutting_down_ && !recovery_.requested) {
    for (auto& [name, pool] : pools_) {
      // Watch for waiting clients only when nobody idle will take them and a
      // fork is allowed; otherwise poll would spin on a readable socket.
      if (pool->ready > 0 || !pool->MaySpawn(now)) continue;
      for (int fd : pool->ListenFds()) {
        fds.push_back({fd, POLLIN, 0});
        owners.push_back(pool.get());
      }
    }
  }
  int n = ::poll(fds.data(), fds.size(), PollTimeoutMs(now));
  if (n <= 0) return;
  for (size_t i = 0; i < fds.size(); ++i) {
    ServicePool* pool = owners[i];
    if (pool == nullptr || (fds[i].revents & POLLIN) == 0) continue;
    now = Clock::now();
    if (pool->ready == 0 && pool->MaySpawn(now)) SpawnWorker(*pool, now);
  }
}

}  // namespace satrap::master
