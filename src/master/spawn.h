// Starting children: resolving cmd= programs, fork and exec with the
// descriptors and environment of the master/worker contract
// (service/master_protocol.h).
//
// Runs in the master after privileges are dropped; a child never gets more
// than the master has. Every descriptor the master owns is close-on-exec, and
// the child closes anything else above the ones it is given.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace satrap::master {

// Where relative programs are found, and what every child inherits.
struct SpawnEnvironment {
  std::string serverbin;  // imapd.conf serverbin; empty: beside cyrmaster
  std::string self_dir;   // the directory of /proc/self/exe
  bool log_stderr = false;  // -D: workers copy their logs to stderr too
  std::string imapd_conf;   // -C as given; empty when the default is used
};

struct SpawnRequest {
  // From cmd=; argv[0] is resolved by Spawn. For workers, "-C <imapd.conf>"
  // is inserted after argv[0] when the master has one and cmd= has none.
  std::vector<std::string> argv;
  std::string service_name;       // CYRUS_SERVICE; empty for START jobs
  int status_fd = -1;             // becomes fd 3 (workers only)
  std::vector<int> listen_fds;    // become 4, 5, ... (workers only)
  uint64_t generation = 0;
  // Workers start with SIGHUP blocked: a retire request that arrives before
  // the skeleton installs its handler stays pending instead of killing it.
  bool block_sighup = false;
};

// The directory holding the running executable ("" if /proc is missing).
std::string SelfDirectory();

// `program` if it holds a '/', else serverbin/program, else self_dir/program.
std::string ResolveProgram(std::string_view program, const SpawnEnvironment& env);

// Forks and execs. Returns the child's pid; the child itself exits with
// EX_OSERR (logging why) if exec fails. kIoError if fork fails.
Result<pid_t> Spawn(const SpawnRequest& request, const SpawnEnvironment& env);

// Runs a START job to completion: Spawn, then wait. Returns the raw wait
// status.
Result<int> RunToCompletion(const SpawnRequest& request, const SpawnEnvironment& env);

}  // namespace satrap::master
