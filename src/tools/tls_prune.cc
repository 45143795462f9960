// tls_prune: removes expired TLS sessions from tls_sessions.db.
//
//   tls_prune [-C imapd.conf]
//
// Run from cyrus.conf EVENTS (`tlsprune cmd="tls_prune" at=0400`). Workers
// already skip and delete expired entries they stumble on; this removes the
// ones nobody asks for again, so the database does not grow without bound.
// Safe while services run (one autocommitted delete per entry).
//
// Exit codes (sysexits.h): EX_USAGE, EX_CONFIG (bad imapd.conf), EX_TEMPFAIL
// (the database could not be opened or read; the next run retries).
#include <sysexits.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "base/file.h"
#include "config/imapd_config.h"
#include "db/kv.h"
#include "log/log.h"
#include "tls/session_cache.h"
#include "tls/settings.h"

namespace satrap {
namespace {

[[noreturn]] void Usage() {
  std::fprintf(stderr, "usage: tls_prune [-C imapd.conf]\n");
  std::exit(EX_USAGE);
}

int Main(int argc, char** argv) {
  log::Options log_options;
  log_options.ident = "tls_prune";
  log_options.to_stderr = ::isatty(STDERR_FILENO) != 0;
  log::Init(log_options);
  std::string config_path;
  int opt;
  while ((opt = ::getopt(argc, argv, "C:")) != -1) {
    if (opt != 'C') Usage();
    config_path = optarg;
  }
  if (optind != argc) Usage();
  config::Config config = config::LoadOrExit(config_path);

  const std::string path = tls::SessionDbPath(config);
  const std::string dir = DirName(path);
  const std::string name = path.substr(path.rfind('/') + 1);
  Result<std::unique_ptr<db::Environment>> env = db::Environment::Open(dir);
  if (!env.ok()) {
    log::Error("tls_prune: open %s: %s", dir.c_str(), env.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  Result<std::unique_ptr<db::Database>> sessions = (*env)->OpenDatabase(name);
  if (!sessions.ok()) {
    log::Error("tls_prune: open %s: %s", path.c_str(), sessions.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  int total = 0;
  Result<int> purged = tls::PruneExpiredSessions(**sessions, time(nullptr), &total);
  if (!purged.ok()) {
    log::Error("tls_prune: %s: %s", path.c_str(), purged.status().ToString().c_str());
    return EX_TEMPFAIL;
  }
  log::Notice("tls_prune: purged %d out of %d entries", *purged, total);
  return EX_OK;
}

}  // namespace
}  // namespace satrap

int main(int argc, char** argv) { return satrap::Main(argc, argv); }
