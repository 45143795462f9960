// Builds pop3d's per-process state (server.h).
#include "server.h"

#include "auth/sasl_init.h"
#include "base/check.h"

namespace satrap::pop3d {
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
  if (!store.ok()) return store.status();
  server->store = std::move(*store);
  SATRAP_ASSIGN_OR_RETURN(server->tls_state,
                          tls::SetUpServerTls(ctx.config, ctx.service_name, ctx.tls_from_start,
                                              &server->store->env()));
  server->tls = server->tls_state.context.get();
  Instance() = std::move(server);
  return Status();
}

}  // namespace satrap::pop3d
