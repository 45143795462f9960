// The worker skeleton: everything a server program does that is not its
// protocol (Postfix single_server.c, Cyrus master/service.c).
//
// A server's main() is a declaration:
//
//   int main(int argc, char** argv) {
//     satrap::service::ServerSpec spec;
//     spec.name = "imapd";
//     spec.init = [](satrap::service::Context& ctx) { return imapd::Init(ctx); };
//     spec.serve = [](satrap::service::Context& ctx, satrap::net::Connection& conn) {
//       imapd::Session(ctx, conn).Run();
//     };
//     return satrap::service::Main(argc, argv, spec);
//   }
//
// Main() then:
//   1. parses the common flags: -C imapd.conf, -U uses, -s (TLS from the first
//      byte: ctx.tls_from_start, the server does the handshake), -D (debug
//      logging), -T seconds (idle timeout), plus any letters the server
//      declares in spec.extra_options (handed to spec.option);
//   2. refuses to run as root (exit EX_USAGE): cyrmaster has already dropped to
//      cyrus_user, and a worker started by hand as root is a mistake;
//   3. loads imapd.conf (config::LoadOrExit) and sets up logging under the
//      service name (CYRUS_SERVICE, set by cyrmaster; else spec.name), copying
//      to stderr when SATRAP_LOG_STDERR=1 (cyrmaster -D) or -D;
//   4. calls spec.init once; a non-OK Status ends the process (EX_CONFIG for
//      kInvalid, EX_TEMPFAIL otherwise), and the master throttles the service;
//   5. loops: tell the master "available", wait for a connection on the
//      inherited sockets, tell it "unavailable", write configdirectory/proc/<pid>,
//      serve the connection with spec.serve, remove the proc entry, and go
//      round again, until -U uses are spent (default 250), the master asks the
//      worker to leave (SIGHUP) or the master is gone.
// spec.serve runs with the connection's descriptor already wrapped in a plain
// socket transport and the limits in spec.limits; when it returns the
// connection is closed.
//
// Datagram services (proto=udp, e.g. fud) set spec.serve_datagram instead: it
// is called with the socket when a datagram is waiting and must read it with
// recvfrom(2) without blocking (another worker may have taken it: EAGAIN).
//
// Standalone (for a test or by hand): `-L host:port` makes the worker listen
// by itself instead of expecting cyrmaster's descriptors; it serves one
// connection at a time and never talks to a master.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/imapd_config.h"
#include "net/connection.h"
#include "service/proc_entry.h"

namespace satrap::service {

// Where the current connection comes from, numeric (no DNS lookups).
struct ConnectionInfo {
  std::string peer_ip;     // "127.0.0.1", "::1", "unix"
  int peer_port = 0;
  std::string local_ip;    // the address the client connected to
  int local_port = 0;
  bool is_unix = false;
  // "[127.0.0.1]:54321" / "unix", for log lines.
  std::string PeerString() const;
};

// Per-process state handed to the server's callbacks.
struct Context {
  std::string service_name;  // cyrus.conf name ("imap", "imaps", "lmtpunix")
  std::string program;       // spec.name ("imapd")
  config::Config config;
  bool tls_from_start = false;  // -s: the server must start TLS before greeting
  bool debug = false;           // -D
  int max_use = 0;              // -U (or the default)
  int uses = 0;                 // connections served so far, this one included
  std::vector<std::string> args;  // words after the options
  ConnectionInfo connection;      // valid inside serve / serve_datagram
  ProcEntry* proc = nullptr;      // valid inside serve: record user / mailbox
};

struct ServerSpec {
  std::string name;  // program name, for logs when CYRUS_SERVICE is unset
  // Called once before the first connection. Optional.
  std::function<Status(Context&)> init;
  // Serves one stream connection. Required unless serve_datagram is set.
  std::function<void(Context&, net::Connection&)> serve;
  // Serves one waiting datagram on `fd` (udp services).
  std::function<void(Context&, int fd)> serve_datagram;
  // Called once before the worker exits normally. Optional.
  std::function<void(Context&)> shutdown;
  // Called when the client of a stream connection has been quiet for a
  // while (net::Connection::SetIdleHook), before the worker gives memory
  // back: a chance to drop what the rest of the session will not need.
  // Optional.
  std::function<void(Context&)> idle;
  // Extra getopt letters ("x:" style) and their handler; return false for a
  // bad value (the worker then exits with a usage error).
  std::string extra_options;
  std::function<bool(Context&, int letter, const char* value)> option;
  net::ConnectionLimits limits;
};

// Runs the worker; returns the process exit code (0 when it retires normally).
int Main(int argc, char** argv, const ServerSpec& spec);

}  // namespace satrap::service
