// Builds a service's TLS state (server_setup.h).
#include "tls/server_setup.h"

#include <string>

#include "base/file.h"
#include "log/log.h"
#include "tls/settings.h"

namespace satrap::tls {
namespace {

// Opens tls_sessions.db into `tls`, in `shared_env` when the file lives there
// and in an environment of its own otherwise. Failures only log: without the
// cache, clients do full handshakes.
void OpenSessionCache(const config::Config& config, db::Environment* shared_env,
                      ServerTls* tls) {
  const std::string path = SessionDbPath(config);
  const std::string dir = DirName(path);
  db::Environment* env = shared_env;
  if (env == nullptr || env->dir() != dir) {
    Result<std::unique_ptr<db::Environment>> own = db::Environment::Open(dir);
    if (!own.ok()) {
      log::Warning("TLS session cache off: open %s: %s", path.c_str(),
                   own.status().ToString().c_str());
      return;
    }
    tls->own_env = std::move(*own);
    env = tls->own_env.get();
  }
  Result<std::unique_ptr<db::Database>> db = env->OpenDatabase(path.substr(path.rfind('/') + 1));
  if (!db.ok()) {
    log::Warning("TLS session cache off: open %s: %s", path.c_str(),
                 db.status().ToString().c_str());
    tls->own_env.reset();
    return;
  }
  tls->sessions = std::move(*db);
}

}  // namespace

Result<ServerTls> SetUpServerTls(const config::Config& config, std::string_view service,
                                 bool tls_from_start, db::Environment* shared_env) {
  ServerTls tls;
  const TlsSettings settings = SettingsFor(config, service);
  if (!settings.enabled()) {
    if (tls_from_start) {
      return Status::Invalid("-s given but no TLS certificate is configured (tls_server_cert)");
    }
    return tls;
  }
  if (settings.session_timeout.count() > 0) OpenSessionCache(config, shared_env, &tls);
  Result<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(settings, tls.sessions.get());
  if (!context.ok()) return Status::Invalid(context.status().message());
  tls.context = std::move(*context);
  return tls;
}

}  // namespace satrap::tls
