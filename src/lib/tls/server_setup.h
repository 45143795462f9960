// SetUpServerTls: what imapd, pop3d and lmtpd each build once at start for
// the server side of TLS — the TlsServerContext of their service and the
// tls_sessions.db it resumes sessions from.
//
// One Berkeley DB environment per process: the caller passes the one it
// already has (the mail store's) and tls_sessions.db is opened in it when it
// lives there (the default, {configdirectory}/db). Only a
// tls_sessions_db_path elsewhere gets an environment of its own; each
// environment costs a lock-watchdog thread, so sharing is the rule.
//
// The session cache is an optimisation: when it cannot be opened, a warning
// is logged and TLS works without cross-process resumption.
//
// Lifetime: ServerTls owns everything it holds; its members are declared so
// that the context dies before the database it borrows, and the database
// before its own environment. `shared_env` is borrowed and must outlive the
// returned ServerTls. Single-threaded setup, like the workers.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"
#include "config/imapd_config.h"
#include "db/kv.h"
#include "tls/server_context.h"

namespace satrap::tls {

struct ServerTls {
  // Set only when tls_sessions.db lives outside the shared environment.
  std::unique_ptr<db::Environment> own_env;
  // tls_sessions.db; null when the cache is off (session_timeout 0, or the
  // database could not be opened).
  std::unique_ptr<db::Database> sessions;
  // Null when the service has no certificate: no STARTTLS/STLS offered.
  std::unique_ptr<TlsServerContext> context;
};

// Builds the TLS state of cyrus.conf service `service` from `config`
// (tls::SettingsFor). `tls_from_start` is the service's `-s`: TLS from the
// first byte, which needs a certificate. `shared_env` (may be nullptr) is the
// process's environment, see above.
// kInvalid when `-s` is given and no certificate is configured, or when the
// certificate, key, CAs, versions or ciphers do not load (the message names
// the option and file). A bad session cache is not an error.
Result<ServerTls> SetUpServerTls(const config::Config& config, std::string_view service,
                                 bool tls_from_start, db::Environment* shared_env);

}  // namespace satrap::tls
