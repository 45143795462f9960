// lmtpd's per-process state: built once by Init() before the first client,
// shared by every session of this worker.
//
// The mail store (and its Berkeley DB environment), deliver.db for duplicate
// suppression, the TLS context (a bad certificate is a startup error so the
// master throttles the service), SASL and the group resolver. Single-
// threaded, like the worker; lives until the process exits.
#pragma once

#include <memory>

#include "auth/groups.h"
#include "base/status.h"
#include "db/kv.h"
#include "lmtpd/duplicate.h"
#include "lmtpd/store_delivery.h"
#include "mailbox/store.h"
#include "net/connection.h"
#include "service/service.h"
#include "tls/server_context.h"
#include "tls/server_setup.h"

namespace satrap::lmtpd {

struct Server {
  std::unique_ptr<mailbox::Store> store;
  std::unique_ptr<db::Database> deliver_db;  // null: suppression off
  std::unique_ptr<DuplicateDb> duplicates;
  std::unique_ptr<StoreDeliverer> deliverer;
  tls::ServerTls tls_state;  // tls_sessions.db in the store's environment
  tls::TlsServerContext* tls = nullptr;  // borrowed from tls_state; null: no STARTTLS
  std::unique_ptr<auth::GroupResolver> groups;
  int sessions_started = 0;
  bool preauthorize_tcp = false;  // -a: TCP clients need no AUTH
};

// ServerSpec::option: `-a` preauthorizes TCP connections (as Cyrus lmtpd
// -a), for an MTA on a trusted network that cannot AUTH.
bool Option(service::Context& ctx, int letter, const char* value);

// ServerSpec::init. kInvalid for a configuration that cannot work (bad
// certificate, -s without one); other codes when the store cannot open.
Status Init(service::Context& ctx);

// ServerSpec::serve: one LMTP connection.
void Serve(service::Context& ctx, net::Connection& conn);

}  // namespace satrap::lmtpd
