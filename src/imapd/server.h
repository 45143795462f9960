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
#include "base/result.h"
#include "base/status.h"
#include "db/kv.h"
#include "mailbox/namespace.h"
#include "service/service.h"
#include "tls/server_context.h"
#include "tls/server_setup.h"

namespace satrap::mailbox {
class Store;
}

namespace satrap::imapd {

struct Server {
  // The mail store. Declared first so that it is destroyed last: the TLS
  // session cache lives in its Berkeley DB environment.
  std::unique_ptr<mailbox::Store> store;
  // The TLS context and tls_sessions.db (tls/server_setup.h). Built at Init
  // for `-s`; otherwise by the first STARTTLS (TlsContext): OpenSSL's context
  // and algorithm tables are ~300 KB of heap that an idle plain worker (one
  // per connection) would otherwise carry.
  tls::ServerTls tls_state;
  // Borrowed from tls_state; null until built.
  tls::TlsServerContext* tls = nullptr;
  // The service has a certificate: STARTTLS is offered.
  bool tls_offered = false;
  // What TlsContext() builds from; ctx outlives the server (service::Main).
  const service::Context* ctx = nullptr;
  std::unique_ptr<auth::GroupResolver> groups;
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

// The service's TLS context, built on first use (see Server::tls_state).
// kInvalid when the certificate, key or settings do not load (the message
// names the option and file); CHECKs that tls_offered.
Result<tls::TlsServerContext*> TlsContext(Server& server);

}  // namespace satrap::imapd
