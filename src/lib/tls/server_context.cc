// TlsServerContext: SSL_CTX set-up and the external session cache callbacks.
#include "tls/server_context.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

#include "base/check.h"
#include "log/log.h"

namespace satrap::tls {
namespace {

// "tls_cert_file /x.pem: No such file or directory": OpenSSL's own message
// for a missing file is much less clear.
Status CheckReadable(const char* option, const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    return Status::Invalid(std::string(option) + " " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

// Accepts any client certificate; the verdict is read later through
// SSL_get_verify_result (TlsInfo::peer_verified). For "optional".
int AcceptAnyCertificate(int, X509_STORE_CTX*) { return 1; }

}  // namespace

// OpenSSL's external cache callbacks, bridging to SessionCache.
struct SessionGlue {
  static TlsServerContext* Owner(SSL_CTX* ctx) {
    return static_cast<TlsServerContext*>(SSL_CTX_get_app_data(ctx));
  }

  static int New(SSL* ssl, SSL_SESSION* session) {
    TlsServerContext* self = Owner(SSL_get_SSL_CTX(ssl));
    unsigned int id_len = 0;
    const unsigned char* id = SSL_SESSION_get_id(session, &id_len);
    int len = i2d_SSL_SESSION(session, nullptr);
    if (id_len == 0 || len <= 0) return 0;
    std::string der(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(der.data());
    i2d_SSL_SESSION(session, &p);
    Status status = self->cache_->Store(
        std::string_view(reinterpret_cast<const char*>(id), id_len), der, time(nullptr));
    if (!status.ok()) log::Warning("TLS session cache: store: %s", status.ToString().c_str());
    return 0;  // we kept no reference
  }

  static SSL_SESSION* Get(SSL* ssl, const unsigned char* id, int id_len, int* copy) {
    *copy = 0;  // the session we return is the caller's
    TlsServerContext* self = Owner(SSL_get_SSL_CTX(ssl));
    Result<std::string> der = self->cache_->Lookup(
        std::string_view(reinterpret_cast<const char*>(id), static_cast<size_t>(id_len)),
        time(nullptr));
    if (!der.ok()) {
      if (!der.status().Is(Code::kNotFound)) {
        log::Warning("TLS session cache: lookup: %s", der.status().ToString().c_str());
      }
      return nullptr;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(der->data());
    return d2i_SSL_SESSION(nullptr, &p, static_cast<long>(der->size()));
  }

  static void Remove(SSL_CTX* ctx, SSL_SESSION* session) {
    TlsServerContext* self = Owner(ctx);
    unsigned int id_len = 0;
    const unsigned char* id = SSL_SESSION_get_id(session, &id_len);
    if (id_len == 0) return;
    Status status =
        self->cache_->Remove(std::string_view(reinterpret_cast<const char*>(id), id_len));
    if (!status.ok() && !status.Is(Code::kNotFound)) {
      log::Warning("TLS session cache: remove: %s", status.ToString().c_str());
    }
  }
};

Status ApplyVersions(SSL_CTX* ctx, const std::vector<std::string>& versions) {
  struct Known {
    const char* name;
    int version;
    uint64_t no_option;
  };
  static constexpr Known kKnown[] = {
      {"ssl3", SSL3_VERSION, SSL_OP_NO_SSLv3},       {"tls1_0", TLS1_VERSION, SSL_OP_NO_TLSv1},
      {"tls1_1", TLS1_1_VERSION, SSL_OP_NO_TLSv1_1}, {"tls1_2", TLS1_2_VERSION, SSL_OP_NO_TLSv1_2},
      {"tls1_3", TLS1_3_VERSION, SSL_OP_NO_TLSv1_3},
  };
  if (versions.empty()) return Status::Invalid("tls_versions: no version enabled");
  std::vector<bool> on(std::size(kKnown), false);
  for (const std::string& v : versions) {
    size_t i = 0;
    while (i < std::size(kKnown) && v != kKnown[i].name) ++i;
    if (i == std::size(kKnown)) return Status::Invalid("tls_versions: unknown version '" + v + "'");
    on[i] = true;
  }
  size_t low = 0, high = std::size(kKnown) - 1;
  while (!on[low]) ++low;
  while (!on[high]) --high;
  SSL_CTX_set_min_proto_version(ctx, kKnown[low].version);
  SSL_CTX_set_max_proto_version(ctx, kKnown[high].version);
  // A gap ("tls1_0 tls1_2") switches off what lies between.
  for (size_t i = low; i <= high; ++i) {
    if (!on[i]) SSL_CTX_set_options(ctx, kKnown[i].no_option);
  }
  return Status::Ok();
}

TlsServerContext::TlsServerContext(const TlsSettings& settings) : settings_(settings) {}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

Result<std::unique_ptr<TlsServerContext>> TlsServerContext::Create(const TlsSettings& settings,
                                                                   db::Database* sessions) {
  if (!settings.enabled()) return Status::Invalid("TLS is not configured (tls_cert_file)");
  std::unique_ptr<TlsServerContext> context(new TlsServerContext(settings));
  SATRAP_RETURN_IF_ERROR(context->Configure(sessions));
  return context;
}

Status TlsServerContext::LoadIdentity() {
  const std::string& cert = settings_.cert_file;
  const std::string& key = settings_.key_file.empty() ? cert : settings_.key_file;
  SATRAP_RETURN_IF_ERROR(CheckReadable("tls_cert_file", cert));
  SATRAP_RETURN_IF_ERROR(CheckReadable("tls_key_file", key));
  if (SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str()) != 1) {
    return Status::Invalid("tls_cert_file " + cert + ": " + OpenSslErrors());
  }
  // OpenSSL compares the key with the certificate already while loading it.
  if (SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1 &&
      ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
    return Status::Invalid("tls_key_file " + key + ": " + OpenSslErrors());
  }
  if (SSL_CTX_check_private_key(ctx_) != 1) {
    ERR_clear_error();
    return Status::Invalid("tls_key_file " + key + " does not match tls_cert_file " + cert);
  }
  return Status::Ok();
}

Status TlsServerContext::LoadClientCas() {
  const std::string& file = settings_.ca_file;
  const std::string& path = settings_.ca_path;
  if (file.empty() && path.empty()) {
    if (settings_.client_certs == ClientCerts::kRequire) {
      return Status::Invalid("tls_client_certs: require needs tls_ca_file or tls_ca_path");
    }
    return Status::Ok();
  }
  if (!file.empty()) SATRAP_RETURN_IF_ERROR(CheckReadable("tls_ca_file", file));
  if (!path.empty()) SATRAP_RETURN_IF_ERROR(CheckReadable("tls_ca_path", path));
  if (SSL_CTX_load_verify_locations(ctx_, file.empty() ? nullptr : file.c_str(),
                                    path.empty() ? nullptr : path.c_str()) != 1) {
    return Status::Invalid("tls_ca_file/tls_ca_path: " + OpenSslErrors());
  }
  if (!file.empty()) {
    // The CA names we send in CertificateRequest, so that clients pick the
    // right certificate.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(file.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx_, names);
  }
  if (settings_.client_certs == ClientCerts::kRequire) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else if (settings_.client_certs == ClientCerts::kOptional) {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, AcceptAnyCertificate);
  }
  return Status::Ok();
}

Status TlsServerContext::Configure(db::Database* sessions) {
  ctx_ = SSL_CTX_new(TLS_server_method());
  if (ctx_ == nullptr) return Status::Internal("SSL_CTX_new: " + OpenSslErrors());
  SSL_CTX_set_app_data(ctx_, this);
  // No compression (CRIME), no renegotiation (a DoS lever and the old
  // CVE-2009-3555), and a peer that closes without close_notify is plain EOF.
  SSL_CTX_set_options(ctx_, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_TICKET);
  if (settings_.prefer_server_ciphers) SSL_CTX_set_options(ctx_, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle IMAP connections are the common case: give the buffers back.
  SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS);
  SATRAP_RETURN_IF_ERROR(ApplyVersions(ctx_, settings_.versions));
  if (SSL_CTX_set_cipher_list(ctx_, settings_.cipher_list.c_str()) != 1) {
    return Status::Invalid("tls_cipher_list '" + settings_.cipher_list + "': " + OpenSslErrors());
  }
  SATRAP_RETURN_IF_ERROR(LoadIdentity());
  SATRAP_RETURN_IF_ERROR(LoadClientCas());

  const std::string& sid_ctx = settings_.session_id_context;
  SSL_CTX_set_session_id_context(ctx_, reinterpret_cast<const unsigned char*>(sid_ctx.data()),
                                 std::min<unsigned>(sid_ctx.size(), SSL_MAX_SID_CTX_LENGTH));
  if (sessions == nullptr || settings_.session_timeout.count() == 0) {
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx_, 0);
    return Status::Ok();
  }
  cache_.emplace(sessions, settings_.session_timeout);
  SSL_CTX_set_timeout(ctx_, static_cast<long>(settings_.session_timeout.count()));
  SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
  // One TLS 1.3 ticket per handshake (default 2): one database write.
  SSL_CTX_set_num_tickets(ctx_, 1);
  SSL_CTX_sess_set_new_cb(ctx_, SessionGlue::New);
  SSL_CTX_sess_set_get_cb(ctx_, SessionGlue::Get);
  SSL_CTX_sess_set_remove_cb(ctx_, SessionGlue::Remove);
  return Status::Ok();
}

Result<std::unique_ptr<net::Transport>> TlsServerContext::Handshake(
    std::unique_ptr<net::Transport> plain, net::Deadline deadline, TlsInfo* info) {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return Status::Internal("SSL_new: " + OpenSslErrors());
  auto tls = std::make_unique<TlsTransport>(ssl, std::move(plain));
  SATRAP_RETURN_IF_ERROR(tls->Accept(deadline));
  if (info != nullptr) *info = tls->Info();
  return std::unique_ptr<net::Transport>(std::move(tls));
}

Status StartTls(net::Connection& conn, TlsServerContext& context, net::Deadline deadline,
                TlsInfo* info) {
  return conn.PushTransport([&](std::unique_ptr<net::Transport> plain) {
    return context.Handshake(std::move(plain), deadline, info);
  });
}

}  // namespace satrap::tls
