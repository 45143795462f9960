// TlsClientContext: the client side, for tests, `deliver` to an LMTP over TLS
// and benchmarks. Servers never use it.
//
// Verification is opt-in (`verify_peer`), against ca_file; tests talk to
// self-signed certificates made on the spot. A session from a previous
// connection (TlsTransport::SessionDer()) may be offered for resumption.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "net/connection.h"
#include "tls/tls_transport.h"

namespace satrap::tls {

struct TlsClientOptions {
  std::string ca_file;           // trusted CAs when verify_peer
  bool verify_peer = false;
  std::string server_name;       // SNI and, when verifying, the expected host name
  std::string cert_file;         // client certificate (PEM), optional
  std::string key_file;          // its key; empty means "in cert_file"
  std::string max_version;       // "tls1_2" to force TLS 1.2; empty = newest
};

class TlsClientContext {
 public:
  // kInvalid naming the option and file when something does not load.
  static Result<std::unique_ptr<TlsClientContext>> Create(const TlsClientOptions& options);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  // Client handshake over `plain`. `session_der` (may be empty) is offered
  // for resumption; a server that declines simply does a full handshake.
  Result<std::unique_ptr<TlsTransport>> Connect(std::unique_ptr<net::Transport> plain,
                                                net::Deadline deadline,
                                                std::string_view session_der = {});

 private:
  TlsClientContext() = default;
  TlsClientOptions options_;
  SSL_CTX* ctx_ = nullptr;
};

}  // namespace satrap::tls
