// imapd's per-process state: what a worker builds once, before its first
// client, and every session of that worker shares.
//
// Built by Init() (called from service::Main through ServerSpec::init): the
// TLS context (a bad certificate is a startup error, so the master throttles
// the service instead of every client failing), tls_sessions.db for session
// resumption, SASL and the group resolver. Lives until the process exits.
// Single-threaded, like the worker.
#pragma once

#include <memory>
#include <string>

#include "auth/groups.h"
#include "base/status.h"
#include "db/kv.h"
#include "mailbox/namespace.h"
#include "service/service.h"
#include "tls/server_context.h"

namespace satrap::mailbox {
class Store;
}

namespace satrap::imapd {

struct Server {
  // Null when the service has no certificate (no STARTTLS, and `-s` fails).
  std::unique_ptr<tls::TlsServerContext> tls;
  // The environment holding tls_sessions.db and the database itself; null
  // when TLS is off or the database could not be opened (resumption off).
  std::unique_ptr<db::Environment> tls_env;
  std::unique_ptr<db::Database> tls_sessions;
  std::unique_ptr<auth::GroupResolver> groups;
  // The mail store (null until the store library provides Store::Open).
  std::unique_ptr<mailbox::Store> store;
  // How clients name mailboxes (altnamespace, unixhierarchysep, virtdomains).
  mailbox::Namespace ns;
  // Counts connections, for session ids.
  int sessions_started = 0;
};

// The one Server of this process; CHECKs that Init() ran.
Server& TheServer();

// ServerSpec::init: builds TheServer() from ctx.config. kInvalid for a
// configuration that cannot work (bad certificate); kInternal when SASL
// cannot start.
Status Init(service::Context& ctx);

}  // namespace satrap::imapd
