// The cyrmaster main loop: keeps every SERVICES pool at its prefork count
// within maxchild, spawns on demand when a connection waits and no worker is
// idle, runs EVENTS when due, keeps DAEMON entries alive, reloads on SIGHUP
// and shuts down on SIGTERM.
//
// Single-threaded. Every wake-up comes through poll(2): the signal self-pipe,
// the services' status pipes, and the listening sockets of services that have
// no idle worker (so a waiting connection makes the master fork).
//
// Each child is tracked with an explicit state (Cyrus sstate) and the
// generation of the service entry it was started for (Postfix gen), so
// workers left over from before a reload are recognised and not counted as
// ready.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backoff.h"
#include "config/imapd_config.h"
#include "events.h"
#include "service_pool.h"
#include "service_table.h"
#include "spawn.h"

namespace satrap::master {

// Applies the imapd.conf settings the master itself uses: serverbin (where
// relative cmd= programs live) and umask (inherited by every child). Called
// at startup and on every reload.
void ApplyImapdSettings(const config::Config& config, SpawnEnvironment* spawn);

enum class ChildState { kUnknown, kReady, kBusy, kDead };
const char* ChildStateName(ChildState state);

struct SupervisorOptions {
  std::string imapd_conf;
  std::string cyrus_conf;
  int backlog = 32;
  SpawnEnvironment spawn;
  // How long SIGTERM waits for workers to finish before SIGKILL.
  std::chrono::seconds shutdown_grace{10};
  // How long a database recovery waits for children to leave before SIGKILL:
  // a process blocked on a mutex of the dead one never leaves by itself.
  std::chrono::milliseconds recovery_grace{2000};
};

class Supervisor {
 public:
  Supervisor(SupervisorOptions options, MasterTable table);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Binds every service's sockets; call while still root. A failure is fatal
  // at startup (the caller exits naming the service).
  Status BindAll();
  // Runs the START entries in order, each to completion; a failing entry is
  // logged and the next one runs (as Cyrus does).
  void RunStartJobs();
  // listen(2) on every bound socket: from here on clients are accepted.
  Status ListenAll();
  // Runs until a shutdown completes.
  void Run();

 private:
  struct Child {
    enum class Kind { kWorker, kEvent, kDaemon, kRecovery };
    Kind kind = Kind::kWorker;
    std::string name;
    ServicePool* pool = nullptr;  // workers only; outlives the child
    ChildState state = ChildState::kUnknown;
    uint64_t generation = 0;
    Clock::time_point spawned;
    bool served = false;    // took at least one connection
    bool retiring = false;  // we asked it to exit
  };
  struct DaemonSlot {
    CommandSpec spec;
    pid_t pid = 0;
    Backoff backoff;
    bool removed = false;
  };

  // Services (service_pool management, supervisor_services.cc).
  void AddPool(const ServiceSpec& spec);
  void RemovePool(const std::string& name);
  void RetireWorkers(ServicePool& pool);
  void ReconcileServices(const std::vector<ServiceSpec>& specs);
  void MaintainPools(Clock::time_point now);
  void SpawnWorker(ServicePool& pool, Clock::time_point now);
  void ReadAllStatus();
  void OnStatus(ServicePool& pool, const service::StatusMessage& message);
  void OnWorkerExit(Child& child, int status, Clock::time_point now);

  // Database recovery without an operator (recovery.cc).
  void RequestRecovery(pid_t pid, const std::string& who);
  void AdvanceRecovery(Clock::time_point now);
  void FinishRecovery(int status);
  std::vector<std::string> RecoveryCommand() const;

  // Everything else (supervisor.cc).
  void HandleSignals();
  void ReapAll();
  void Reload();
  void ReconcileDaemons(const std::vector<CommandSpec>& specs);
  void MaintainDaemons(Clock::time_point now);
  void RunDueEvents();
  void BeginShutdown(int signo);
  void KillRemaining();
  int PollTimeoutMs(Clock::time_point now) const;
  void PollOnce();

  SupervisorOptions options_;
  MasterTable table_;
  std::map<std::string, std::unique_ptr<ServicePool>> pools_;
  std::vector<std::unique_ptr<ServicePool>> retired_pools_;
  std::map<pid_t, Child> children_;
  std::map<std::string, DaemonSlot> daemons_;
  EventSchedule events_;
  // A worker said the Berkeley DB environment needs recovery: every child
  // is stopped (SIGHUP, SIGKILL after the grace), then `ctl_cyrusdb -r`
  // runs, then the services start again.
  struct Recovery {
    bool requested = false;
    bool stop_sent = false;
    bool killed = false;
    Clock::time_point kill_at{};
    Clock::time_point not_before{};   // a failing recovery is not retried in a loop
    Clock::time_point last_failed{};  // zero after a recovery that worked
    pid_t job = 0;
  };
  Recovery recovery_;
  bool reload_requested_ = false;
  bool shutting_down_ = false;
  bool killed_ = false;
  Clock::time_point shutdown_deadline_{};
};

}  // namespace satrap::master
