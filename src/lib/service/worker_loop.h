// The accept loop of a worker (internal to the service library; servers use
// service::Main).
//
// Signals: SIGHUP means "leave after the current connection" and is blocked
// except while the worker waits for work (ppoll with SIGHUP unblocked), so a
// request that arrives mid-connection is acted on at the next wait and one
// that arrives while idle ends the wait at once. SIGPIPE is ignored: writes to
// a vanished client or master fail with EPIPE instead.
//
// The master is watched two ways: a write to the status pipe that fails
// (EPIPE), and, every few seconds while idle, getppid() no longer being the
// master (re-parented). Either way the worker finishes and exits.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "net/connection.h"
#include "service/service.h"

namespace satrap::service {

struct WorkerOptions {
  std::vector<int> listen_fds;
  int status_fd = -1;   // -1: standalone, no master to tell
  pid_t master_pid = 0; // 0: standalone
  std::string proc_dir; // empty: no proc entries
  net::ConnectionLimits limits;
};

// Serves connections until ctx->max_use are spent or the worker is told (or
// left) to stop. ctx->uses counts them.
void RunWorkerLoop(const ServerSpec& spec, const WorkerOptions& options, Context* ctx);

// The database recovery hook of a worker (db::SetRecoveryNeededHook): tells
// the master once, on `status_fd`, that the environment needs recovery, and
// makes the worker leave after its current connection. Call with the status
// descriptor (-1 when standalone) before the server's init.
void InstallRecoveryNotice(int status_fd);

}  // namespace satrap::service
