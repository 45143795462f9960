// imapd.conf -> TlsSettings.
#include "tls/settings.h"

#include <algorithm>

#include "base/file.h"

namespace satrap::tls {
namespace {

constexpr std::string_view kDisabled = "disabled";

ClientCerts ParseClientCerts(const std::string& value) {
  if (value == "off") return ClientCerts::kOff;
  if (value == "require") return ClientCerts::kRequire;
  return ClientCerts::kOptional;
}

}  // namespace

bool TlsSettings::enabled() const {
  return !cert_file.empty() && cert_file != kDisabled && key_file != kDisabled;
}

TlsSettings SettingsFor(const config::Config& config, std::string_view service) {
  TlsSettings s;
  s.cert_file = config.GetString(service, "tls_cert_file");
  s.key_file = config.GetString(service, "tls_key_file");
  s.ca_file = config.GetString(service, "tls_ca_file");
  s.ca_path = config.GetString(service, "tls_ca_path");
  s.cipher_list = config.GetString(service, "tls_cipher_list");
  if (s.cipher_list.empty()) s.cipher_list = "DEFAULT";
  s.versions = config.GetList(service, "tls_versions");
  s.client_certs = ParseClientCerts(config.GetString(service, "tls_client_certs"));
  s.prefer_server_ciphers = config.GetBool(service, "tls_prefer_server_ciphers");
  int64_t timeout = config.GetDuration(service, "tls_session_timeout");
  timeout = std::clamp<int64_t>(timeout, 0, kMaxSessionTimeout.count());
  s.session_timeout = std::chrono::seconds(timeout);
  s.session_id_context = "satrap/" + std::string(service);
  return s;
}

std::string SessionDbPath(const config::Config& config) {
  const std::string& path = config.GetString("tls_sessions_db_path");
  if (!path.empty()) return path;
  return JoinPath(JoinPath(config.GetString("configdirectory"), "db"), "tls_sessions.db");
}

}  // namespace satrap::tls
