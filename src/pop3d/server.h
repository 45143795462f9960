// pop3d's per-process state: what a worker builds once, before its first
// client, and every session of that worker shares.
//
// Built by Init() (ServerSpec::init): SASL (auth::Init), the group resolver,
// the TLS context (a bad certificate is a startup error, so the master
// throttles the service instead of failing every client),
// tls_sessions.db for resumption, and the mail store. Lives until the
// process exits. Single-threaded, like the worker.
#pragma once

#include <memory>

#include "auth/groups.h"
#include "base/status.h"
#include "db/kv.h"
#include "mailbox/store.h"
#include "service/service.h"
#include "tls/server_context.h"

namespace satrap::pop3d {

struct Server {
  // Null when the service has no certificate (no STLS, and -s refuses to run).
  std::unique_ptr<tls::TlsServerContext> tls;
  // tls_sessions.db and its environment; null when TLS is off or the
  // database could not be opened (no resumption then).
  std::unique_ptr<db::Environment> tls_env;
  std::unique_ptr<db::Database> tls_sessions;
  std::unique_ptr<auth::GroupResolver> groups;
  std::unique_ptr<mailbox::Store> store;
  int sessions_started = 0;  // for session ids
};

// The one Server of this process; CHECKs that Init() ran.
Server& TheServer();

// ServerSpec::init. kInvalid for a configuration that cannot work (a bad
// certificate, -s without one); kInternal when SASL cannot start; the
// store's Status when it cannot be opened.
Status Init(service::Context& ctx);

}  // namespace satrap::pop3d
