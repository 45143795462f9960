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
#include "tls/server_setup.h"

namespace satrap::pop3d {

struct Server {
  // Declared first so that it is destroyed last: the TLS session cache lives
  // in the store's Berkeley DB environment.
  std::unique_ptr<mailbox::Store> store;
  // The TLS context and tls_sessions.db (tls/server_setup.h).
  tls::ServerTls tls_state;
  // Borrowed from tls_state; null when the service has no certificate (no
  // STLS, and -s refuses to run).
  tls::TlsServerContext* tls = nullptr;
  std::unique_ptr<auth::GroupResolver> groups;
  int sessions_started = 0;  // for session ids
};

// The one Server of this process; CHECKs that Init() ran.
Server& TheServer();

// ServerSpec::init. kInvalid for a configuration that cannot work (a bad
// certificate, -s without one); kInternal when SASL cannot start; the
// store's Status when it cannot be opened.
Status Init(service::Context& ctx);

}  // namespace satrap::pop3d
