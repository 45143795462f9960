// Builds the per-process state of imapd (see server.h).
#include "server.h"

#include "auth/sasl_init.h"
#include "base/check.h"
#include "mailbox/store.h"
#include "tls/settings.h"

namespace satrap::imapd {
namespace {

// Function-local so that no non-trivial global is constructed at load time.
std::unique_ptr<Server>& Instance() {
  static std::unique_ptr<Server>* server = new std::unique_ptr<Server>();
  return *server;
}

}  // namespace

Server& TheServer() {
  CHECK(Instance() != nullptr);
  return *Instance();
}

Status Init(service::Context& ctx) {
  auto server = std::make_unique<Server>();
  SATRAP_RETURN_IF_ERROR(auth::Init(ctx.config, ctx.service_name));
  server->groups = auth::MakeGroupResolver(ctx.config);
  Result<std::unique_ptr<mailbox::Store>> store =
      mailbox::Store::Open(mailbox::StoreOptions::FromConfig(ctx.config));
  if (!store.ok()) return store.status().WithContext("open the mail store");
  server->store = std::move(*store);
  server->ctx = &ctx;
  server->tls_offered = tls::SettingsFor(ctx.config, ctx.service_name).enabled();
  if (ctx.tls_from_start) {
    // Needed by every connection; and a bad certificate stops the service.
    SATRAP_ASSIGN_OR_RETURN(server->tls_state,
                            tls::SetUpServerTls(ctx.config, ctx.service_name, true,
                                                &server->store->env()));
    server->tls = server->tls_state.context.get();
  }
  server->ns = server->store->ns();
  Instance() = std::move(server);
  return Status();
}

Result<tls::TlsServerContext*> TlsContext(Server& server) {
  CHECK(server.tls_offered);
  if (server.tls == nullptr) {
    SATRAP_ASSIGN_OR_RETURN(server.tls_state,
                            tls::SetUpServerTls(server.ctx->config, server.ctx->service_name,
                                                server.ctx->tls_from_start, &server.store->env()));
    server.tls = server.tls_state.context.get();
    if (server.tls == nullptr) return Status::Invalid("no TLS certificate for this service");
  }
  return server.tls;
}

}  // namespace satrap::imapd
