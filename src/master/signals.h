// Signals in cyrmaster: the self-pipe trick. Handlers only write the signal
// number to a non-blocking pipe; the main loop polls the read end and acts
// (reap on SIGCHLD, reload on SIGHUP, shut down on SIGTERM/SIGINT/SIGQUIT),
// so no real work ever runs inside a handler. SIGPIPE is ignored: a worker
// gone from its status pipe must not kill the master.
#pragma once

#include <vector>

#include "base/status.h"

namespace satrap::master {

// Creates the pipe and installs the handlers. Call once, before any fork.
Status InstallSignalHandlers();
// The read end, for poll(2).
int SignalFd();
// Every signal received since the last call, in order (duplicates folded).
std::vector<int> DrainSignals();
// In a freshly forked child, before exec: default dispositions, empty mask,
// and the pipe closed, so the new program starts clean.
void ResetSignalsInChild();

}  // namespace satrap::master
