// Builds the per-process state of imapd (see server.h).
#include "server.h"

#include "auth/sasl_init.h"
#include "base/check.h"
#include "base/file.h"
#include "log/log.h"
#include "mailbox/store.h"
#include "tls/settings.h"

namespace satrap::imapd {
namespace {

// Function-local so that no non-trivial global is constructed at load time.
std::unique_ptr<Server>& Instance() {
  static std::unique_ptr<Server>* server = new std::unique_ptr<Server>();
  return *server;
}

// tls_sessions.db is an optimisation: without it clients just do full
// handshakes, so a failure is logged and TLS goes on.
void OpenSessionCache(const config::Config& config, Server* server) {
  const std::string path = tls::SessionDbPath(config);
  Result<std::unique_ptr<db::Environment>> env = db::Environment::Open(DirName(path));
  if (!env.ok()) {
    log::Warning("TLS session cache off: open %s: %s", path.c_str(),
                 env.status().ToString().c_str());
    return;
  }
  Result<std::unique_ptr<db::Database>> db =
      (*env)->OpenDatabase(path.substr(path.rfind('/') + 1));
  if (!db.ok()) {
    log::Warning("TLS session cache off: open %s: %s", path.c_str(),
                 db.status().ToString().c_str());
    return;
  }
  server->tls_env = std::move(*env);
  server->tls_sessions = std::move(*db);
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
  mailbox::NamespaceOptions ns;
  ns.altnamespace = ctx.config.GetBool("altnamespace");
  ns.unixhierarchysep = ctx.config.GetBool("unixhierarchysep");
  ns.virtdomains = ctx.config.GetString("virtdomains") != "off";
  ns.userprefix = ctx.config.GetString("userprefix");
  ns.sharedprefix = ctx.config.GetString("sharedprefix");
  server->ns = mailbox::Namespace(ns);
  tls::TlsSettings settings = tls::SettingsFor(ctx.config, ctx.service_name);
  if (settings.enabled()) {
    if (settings.session_timeout.count() > 0) OpenSessionCache(ctx.config, server.get());
    Result<std::unique_ptr<tls::TlsServerContext>> tls =
        tls::TlsServerContext::Create(settings, server->tls_sessions.get());
    if (!tls.ok()) return Status::Invalid(tls.status().message());
    server->tls = std::move(*tls);
  } else if (ctx.tls_from_start) {
    return Status::Invalid("-s given but no TLS certificate is configured (tls_server_cert)");
  }
  Result<std::unique_ptr<mailbox::Store>> store =
      mailbox::Store::Open(mailbox::StoreOptions::FromConfig(ctx.config));
  if (!store.ok()) return store.status().WithContext("open the mail store");
  server->store = std::move(*store);
  server->ns = server->store->ns();
  Instance() = std::move(server);
  return Status();
}

}  // namespace satrap::imapd
