// The SERVICES half of the supervisor: pools, workers and their status.
#include <signal.h>
#include <sys/wait.h>

#include "base/strings.h"
#include "log/log.h"
#include "reaper.h"
#include "supervisor.h"

namespace satrap::master {

void Supervisor::AddPool(const ServiceSpec& spec) {
  auto pool = std::make_unique<ServicePool>(spec);
  Status s = pool->Bind();
  if (s.ok()) s = pool->Listen(options_.backlog);
  if (!s.ok()) {
    // After startup we are no longer root: a privileged port added by a
    // reload cannot be bound (Cyrus has the same limit).
    log::Error("can't add %s", s.message().c_str());
    return;
  }
  log::Notice("service %s added: %s listen=%s", spec.name.c_str(), spec.cmd.c_str(),
              spec.listen.text.c_str());
  pools_[spec.name] = std::move(pool);
}

void Supervisor::RemovePool(const std::string& name) {
  auto it = pools_.find(name);
  if (it == pools_.end()) return;
  std::unique_ptr<ServicePool> pool = std::move(it->second);
  pools_.erase(it);
  pool->removed = true;
  pool->CloseSockets();
  RetireWorkers(*pool);
  log::Notice("service %s removed; %d worker(s) finishing", name.c_str(), pool->active);
  // The pool (and its status pipe) stays until its last worker is reaped.
  if (pool->active > 0) retired_pools_.push_back(std::move(pool));
}

// Idle workers exit at once; busy ones finish their connection first.
void Supervisor::RetireWorkers(ServicePool& pool) {
  for (auto& [pid, child] : children_) {
    if (child.pool != &pool || child.retiring || child.state == ChildState::kDead) continue;
    child.retiring = true;
    if (child.state == ChildState::kReady) --pool.ready;
    ::kill(pid, SIGHUP);
  }
}

void Supervisor::ReconcileServices(const std::vector<ServiceSpec>& specs) {
  std::vector<std::string> gone;
  for (const auto& [name, pool] : pools_) {
    bool kept = false;
    for (const ServiceSpec& spec : specs) kept = kept || spec.name == name;
    if (!kept) gone.push_back(name);
  }
  for (const std::string& name : gone) RemovePool(name);
  for (const ServiceSpec& spec : specs) {
    auto it = pools_.find(spec.name);
    if (it == pools_.end()) {
      AddPool(spec);
    } else if (it->second->spec() == spec) {
      continue;
    } else if (it->second->spec().SameSocket(spec)) {
      // Same sockets: keep listening (no refused connection), restart workers.
      it->second->Replace(spec);
      RetireWorkers(*it->second);
      log::Notice("service %s changed; workers restarted (generation %llu)", spec.name.c_str(),
                  static_cast<unsigned long long>(it->second->generation()));
    } else {
      RemovePool(spec.name);
      AddPool(spec);
    }
  }
}

void Supervisor::MaintainPools(Clock::time_point now) {
  for (auto& [name, pool] : pools_) {
    if (pool->check_environment && pool->MaySpawn(now)) {
      pool->check_environment = false;
      SpawnWorker(*pool, now);
    }
    while (pool->ready < pool->Wanted() && pool->MaySpawn(now)) SpawnWorker(*pool, now);
  }
}

void Supervisor::SpawnWorker(ServicePool& pool, Clock::time_point now) {
  SpawnRequest request;
  request.argv = pool.spec().argv;
  request.service_name = pool.spec().name;
  request.status_fd = pool.status_write_fd();
  request.listen_fds = pool.ListenFds();
  request.generation = pool.generation();
  request.block_sighup = true;
  Result<pid_t> pid = Spawn(request, options_.spawn);
  if (!pid.ok()) {
    auto delay = pool.backoff.FailedStart(now);
    log::Error("service %s: %s; retrying in %lld ms", pool.spec().name.c_str(),
               pid.status().message().c_str(), static_cast<long long>(delay.count()));
    return;
  }
  pool.backoff.Forked(now);
  Child child;
  child.kind = Child::Kind::kWorker;
  child.name = pool.spec().name;
  child.pool = &pool;
  child.state = ChildState::kReady;
  child.generation = pool.generation();
  child.spawned = now;
  children_[*pid] = child;
  ++pool.ready;
  ++pool.active;
  log::Debug("service %s: spawned worker %d (ready %d, active %d)", child.name.c_str(), *pid,
             pool.ready, pool.active);
}

void Supervisor::ReadAllStatus() {
  for (auto& [name, pool] : pools_) {
    for (const auto& message : pool->ReadStatus()) OnStatus(*pool, message);
  }
  for (auto& pool : retired_pools_) {
    for (const auto& message : pool->ReadStatus()) OnStatus(*pool, message);
  }
}

void Supervisor::OnStatus(ServicePool& pool, const service::StatusMessage& message) {
  auto it = children_.find(message.pid);
  if (it == children_.end() || it->second.pool != &pool) {
    // Already reaped: its last words arrived after its death.
    log::Debug("service %s: status 0x%x from unknown pid %d", pool.spec().name.c_str(),
               message.notice, message.pid);
    return;
  }
  Child& child = it->second;
  switch (static_cast<service::WorkerNotice>(message.notice)) {
    case service::WorkerNotice::kUnavailable:
      if (child.state == ChildState::kReady) {
        if (!child.retiring) --pool.ready;
        child.state = ChildState::kBusy;
      } else {
        log::Warning("service %s pid %d: unavailable while %s", child.name.c_str(), message.pid,
                     ChildStateName(child.state));
      }
      child.served = true;
      pool.backoff.Served();
      break;
    case service::WorkerNotice::kAvailable:
      if (child.state == ChildState::kBusy) {
        if (!child.retiring) ++pool.ready;
        child.state = ChildState::kReady;
      } else {
        log::Warning("service %s pid %d: available while %s", child.name.c_str(), message.pid,
                     ChildStateName(child.state));
      }
      break;
    case service::WorkerNotice::kConnection:
      ++pool.connections;
      break;
    case service::WorkerNotice::kNeedsRecovery:
      RequestRecovery(message.pid, "service " + child.name);
      break;
    default:
      log::Warning("service %s pid %d: unknown status 0x%x", child.name.c_str(), message.pid,
                   message.notice);
  }
}

void Supervisor::OnWorkerExit(Child& child, int status, Clock::time_point now) {
  ServicePool& pool = *child.pool;
  --pool.active;
  if (child.state == ChildState::kReady && !child.retiring) --pool.ready;
  child.state = ChildState::kDead;
  bool early = Backoff::IsEarlyDeath(IsAbnormalExit(status), child.served, now - child.spawned);
  if (early && !child.retiring && !pool.removed && !shutting_down_ && !recovery_.requested) {
    auto delay = pool.backoff.FailedStart(now);
    log::Warning("service %s: worker died before serving a connection; next start in %lld ms",
                 child.name.c_str(), static_cast<long long>(delay.count()));
  }
  // A worker killed by a signal may have died inside Berkeley DB, leaving a
  // mutex others now wait on forever. A fresh worker runs failchk when it
  // opens the environment, which frees what the dead one held or finds that
  // recovery is needed: start one even if idle workers exist (they ran
  // theirs before the death).
  if (WIFSIGNALED(status) && !child.retiring && !pool.removed && !shutting_down_) {
    pool.check_environment = true;
  }
  if (pool.removed && pool.active == 0) {
    for (auto it = retired_pools_.begin(); it != retired_pools_.end(); ++it) {
      if (it->get() == &pool) {
        retired_pools_.erase(it);
        break;
      }
    }
  }
}

}  // namespace satrap::master
