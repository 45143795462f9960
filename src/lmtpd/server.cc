#include "lmtpd/server.h"

#include <unistd.h>

#include "auth/auth_session.h"
#include "auth/sasl_init.h"
#include "base/check.h"
#include "base/file.h"
#include "lmtpd/session.h"
#include "log/log.h"
#include "net/peer.h"

namespace satrap::lmtpd {
namespace {

// Function-local so that no non-trivial global is constructed at load time.
std::unique_ptr<Server>& Instance() {
  static std::unique_ptr<Server>* server = new std::unique_ptr<Server>();
  return *server;
}

void InitDuplicates(const config::Config& config, Server* server) {
  if (!config.GetBool("duplicatesuppression")) return;
  std::string name = kDeliverDb;
  const std::string& path = config.GetString("duplicate_db_path");
  if (!path.empty()) {
    if (DirName(path) != server->store->env().dir()) {
      log::Warning("duplicate_db_path %s is outside %s; using %s there", path.c_str(),
                   server->store->env().dir().c_str(), kDeliverDb);
    } else {
      name = path.substr(path.rfind('/') + 1);
    }
  }
  auto db = server->store->env().OpenDatabase(name);
  if (!db.ok()) {
    // Mail must still flow: duplicates are a nicety, delivery is not.
    log::Error("duplicate suppression off: open %s: %s", name.c_str(),
               db.status().ToString().c_str());
    return;
  }
  server->deliver_db = std::move(*db);
  server->duplicates =
      std::make_unique<DuplicateDb>(&server->store->env(), server->deliver_db.get());
}

SessionOptions MakeSessionOptions(const service::Context& ctx, const Server& server) {
  const config::Config& config = ctx.config;
  SessionOptions options;
  options.server_name = config.GetString("servername");
  if (options.server_name.empty()) {
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    options.server_name = host;
  }
  options.session_id = "lmtpd-" + std::to_string(getpid()) + "-" +
                       std::to_string(server.sessions_started);
  options.peer = ctx.connection.PeerString();
  const int64_t max_size = config.GetInt("maxmessagesize");
  options.max_message_size = max_size > 0 ? static_cast<uint64_t>(max_size) : 0;
  options.reject8bit = config.GetBool("reject8bit");
  options.munge8bit = config.GetBool("munge8bit");
  options.strict_rfc2821 = config.GetBool("lmtp_strict_rfc2821");
  options.preauthenticated = ctx.connection.is_unix || server.preauthorize_tcp;
  options.soft_noauth = config.GetBool("soft_noauth");
  options.temp_dir = config.GetString("temp_path");
  options.reply.over_quota_permanent = config.GetBool("lmtp_over_quota_perm_failure");
  options.reply.session_id = options.session_id;
  return options;
}

bool& PreauthorizeTcp() {
  static bool preauthorize = false;
  return preauthorize;
}

}  // namespace

bool Option(service::Context&, int letter, const char*) {
  if (letter != 'a') return false;
  PreauthorizeTcp() = true;
  return true;
}

Status Init(service::Context& ctx) {
  auto server = std::make_unique<Server>();
  server->preauthorize_tcp = PreauthorizeTcp();
  Result<std::unique_ptr<mailbox::Store>> store =
      mailbox::Store::Open(mailbox::StoreOptions::FromConfig(ctx.config));
  if (!store.ok()) return store.status().WithContext("open the mail store");
  server->store = std::move(*store);
  InitDuplicates(ctx.config, server.get());
  server->deliverer = std::make_unique<StoreDeliverer>(
      server->store.get(), server->duplicates.get(), DeliveryOptions::FromConfig(ctx.config));
  SATRAP_ASSIGN_OR_RETURN(server->tls_state,
                          tls::SetUpServerTls(ctx.config, ctx.service_name, ctx.tls_from_start,
                                              &server->store->env()));
  server->tls = server->tls_state.context.get();
  SATRAP_RETURN_IF_ERROR(auth::Init(ctx.config, ctx.service_name));
  server->groups = auth::MakeGroupResolver(ctx.config);
  Instance() = std::move(server);
  return Status();
}

void Serve(service::Context& ctx, net::Connection& conn) {
  CHECK(Instance() != nullptr);
  Server& server = *Instance();
  ++server.sessions_started;
  SessionOptions options = MakeSessionOptions(ctx, server);
  log::Info("accepted connection from %s session=%s", options.peer.c_str(),
            options.session_id.c_str());
  if (ctx.tls_from_start) {
    Status status = conn.PushTransport([&](std::unique_ptr<net::Transport> plain) {
      return server.tls->Handshake(std::move(plain), net::Clock::now() + conn.limits().io_timeout);
    });
    if (!status.ok()) {
      log::Notice("TLS negotiation failed: %s session=%s", status.ToString().c_str(),
                  options.session_id.c_str());
      return;
    }
  }
  SessionSecurity security;
  if (!ctx.tls_from_start) security.tls = server.tls;
  std::unique_ptr<auth::AuthSession> auth;
  auth::SessionOptions auth_options;
  auth_options.service = ctx.service_name;
  auth_options.sasl_service = "lmtp";
  auth_options.success_data = true;
  if (!ctx.connection.is_unix) {
    auth_options.local_address = net::DescribeLocal(conn.fd()).SaslIpPort();
    auth_options.remote_address = net::DescribePeer(conn.fd()).SaslIpPort();
  }
  Result<std::unique_ptr<auth::AuthSession>> created =
      auth::AuthSession::Create(auth_options, server.groups.get());
  if (created.ok()) {
    auth = std::move(*created);
    // A local socket is as private as TLS (Cyrus gives it ssf 2).
    if (ctx.connection.is_unix) (void)auth->SetSecureChannel(2);
    if (ctx.tls_from_start) (void)auth->SetSecureChannel(128);
    security.auth = auth.get();
  } else {
    log::Error("SASL session: %s session=%s", created.status().ToString().c_str(),
               options.session_id.c_str());
  }
  Session(conn, *server.deliverer, std::move(options), security).Run();
}

}  // namespace satrap::lmtpd
