// The contract between cyrmaster and the workers it spawns (Cyrus
// master/service.h, Postfix master_proto.h). Both sides include this header
// and nothing else of each other: cyrmaster never links the service library.
//
// Descriptors a worker inherits:
//   kStatusFd (3)  write end of a pipe shared by every worker of the service;
//                  the worker writes StatusMessage records to it.
//   kListenFd (4)  the first listening socket of the service, non-blocking
//                  (several workers poll and accept on it). A service listening
//                  on more than one address (a bare port listens on IPv4 and
//                  IPv6) passes the others on 5, 6, ...; kEnvListenFds says
//                  how many there are in all.
//
// Environment a worker inherits:
//   CYRUS_SERVICE        the cyrus.conf service name ("imap", "lmtpunix")
//   SATRAP_LISTEN_FDS    number of listening descriptors from kListenFd on
//   SATRAP_LOG_STDERR    "1" when cyrmaster runs with -D: copy logs to stderr
//   SATRAP_GENERATION    the generation of the service entry the worker serves
//   SATRAP_IMAPD_CONF    the imapd.conf cyrmaster was given with -C (every child
//                        gets it; a program without its own -C reads that file)
//
// Workers also get "-C <file>" inserted after argv[0] when cyrmaster was
// started with -C and the cmd= does not say -C itself.
//
// Status messages are fixed-size records smaller than PIPE_BUF, so writes of
// many workers to the same pipe never interleave.
//
// A worker that has sent kNeedsRecovery leaves after its current
// connection, like after SIGHUP.
//
// Signals the master sends a worker:
//   SIGHUP   finish the connection in progress (if any), then exit; an idle
//            worker exits at once. Used on reconfiguration and shutdown.
//   SIGKILL  after the shutdown grace period.
#pragma once

#include <cstdint>

namespace satrap::service {

inline constexpr int kStatusFd = 3;
inline constexpr int kListenFd = 4;

// Connections a worker serves before it retires, unless -U says otherwise
// (Cyrus MAX_USE).
inline constexpr int kDefaultMaxUse = 250;

inline constexpr const char* kEnvService = "CYRUS_SERVICE";
inline constexpr const char* kEnvListenFds = "SATRAP_LISTEN_FDS";
inline constexpr const char* kEnvLogStderr = "SATRAP_LOG_STDERR";
inline constexpr const char* kEnvGeneration = "SATRAP_GENERATION";
inline constexpr const char* kEnvImapdConf = "SATRAP_IMAPD_CONF";

// What a worker tells the master (values as Cyrus's MASTER_SERVICE_*).
enum class WorkerNotice : int32_t {
  kAvailable = 1,    // back in the accept loop, ready for a connection
  kUnavailable = 2,  // took a connection (or is leaving): not ready any more
  kConnection = 3,   // a connection is being served (statistics)
  // The Berkeley DB environment needs recovery (a process died inside the
  // library): the master stops every process that may have it open, runs
  // `ctl_cyrusdb -r` and starts the services again. Satrap's own; Cyrus has
  // no such notice and needs an operator.
  kNeedsRecovery = 4,
};

struct StatusMessage {
  int32_t notice;  // a WorkerNotice
  int32_t pid;     // the worker's pid
};
static_assert(sizeof(StatusMessage) == 8, "status records are fixed-size");

}  // namespace satrap::service
