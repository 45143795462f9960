// TlsClientContext.
#include "tls/client_context.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace satrap::tls {

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

Result<std::unique_ptr<TlsClientContext>> TlsClientContext::Create(
    const TlsClientOptions& options) {
  std::unique_ptr<TlsClientContext> context(new TlsClientContext());
  context->options_ = options;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return Status::Internal("SSL_CTX_new: " + OpenSslErrors());
  context->ctx_ = ctx;
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (options.max_version == "tls1_2") SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  if (!options.ca_file.empty() &&
      SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1) {
    return Status::Invalid("ca_file " + options.ca_file + ": " + OpenSslErrors());
  }
  SSL_CTX_set_verify(ctx, options.verify_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  if (!options.cert_file.empty()) {
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      return Status::Invalid("client certificate " + options.cert_file + ": " + OpenSslErrors());
    }
  }
  return context;
}

Result<std::unique_ptr<TlsTransport>> TlsClientContext::Connect(
    std::unique_ptr<net::Transport> plain, net::Deadline deadline, std::string_view session_der) {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return Status::Internal("SSL_new: " + OpenSslErrors());
  auto tls = std::make_unique<TlsTransport>(ssl, std::move(plain));
  const std::string& name = options_.server_name;
  if (!name.empty()) {
    SSL_set_tlsext_host_name(ssl, name.c_str());
    if (options_.verify_peer) SSL_set1_host(ssl, name.c_str());
  }
  if (!session_der.empty()) {
    const auto* p = reinterpret_cast<const unsigned char*>(session_der.data());
    SSL_SESSION* session = d2i_SSL_SESSION(nullptr, &p, static_cast<long>(session_der.size()));
    if (session != nullptr) {
      SSL_set_session(ssl, session);  // takes its own reference
      SSL_SESSION_free(session);
    }
  }
  SATRAP_RETURN_IF_ERROR(tls->Connect(deadline));
  return tls;
}

}  // namespace satrap::tls
