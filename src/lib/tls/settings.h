// TLS settings of one service, resolved from imapd.conf.
//
// Cyrus names every TLS option `tls_*`, with two spellings for some
// (tls_cert_file / tls_server_cert) and per-service overrides
// (`imaps_tls_cert_file`, or the older `tls_imaps_cert_file`); the config
// module resolves both, this file only picks the TLS options out of it. A
// certificate or key named "disabled" (or left empty) turns TLS off for the
// service, as in Cyrus. Pure values; no OpenSSL here.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "config/imapd_config.h"

namespace satrap::tls {

enum class ClientCerts {
  kOff,       // never ask for a client certificate
  kOptional,  // ask (when a CA is configured); a missing or unverifiable one is fine
  kRequire,   // the handshake fails without a certificate that verifies
};

struct TlsSettings {
  std::string cert_file;   // PEM chain, leaf first
  std::string key_file;    // PEM private key; empty means "in cert_file"
  std::string ca_file;     // CAs for client certificates (and the CA list sent)
  std::string ca_path;     // hashed CA directory (c_rehash)
  std::string cipher_list = "DEFAULT";  // TLS <= 1.2, OpenSSL ciphers(1) syntax
  std::vector<std::string> versions = {"tls1_2", "tls1_3"};  // ssl3 tls1_0 .. tls1_3
  ClientCerts client_certs = ClientCerts::kOptional;
  bool prefer_server_ciphers = false;
  // How long a session may be resumed; zero turns the session cache off.
  std::chrono::seconds session_timeout{24 * 3600};
  // Sessions are resumable only within the same context: the service name,
  // so that an imaps session is never resumed on pop3s (other certificate,
  // other client-certificate rules).
  std::string session_id_context = "satrap";

  // False when no certificate is configured or it is "disabled".
  bool enabled() const;
};

// The settings for cyrus.conf service `service` ("imap", "imaps", "pop3"...).
// Never fails: values are checked when TlsServerContext::Create() loads them,
// so that the error names the file.
TlsSettings SettingsFor(const config::Config& config, std::string_view service);

// The longest session lifetime Cyrus allows (tls_session_timeout is capped).
inline constexpr std::chrono::seconds kMaxSessionTimeout{24 * 3600};

// Where tls_sessions.db lives: tls_sessions_db_path (or tlscache_db_path),
// else {configdirectory}/db/tls_sessions.db.
std::string SessionDbPath(const config::Config& config);

}  // namespace satrap::tls
