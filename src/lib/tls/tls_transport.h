// TlsTransport: an OpenSSL connection stacked on any net::Transport.
//
// OpenSSL never touches the descriptor: a small BIO hands its reads and
// writes to the transport below, with the deadline of the call in progress,
// so TLS inherits the lower layer's poll()-based timeouts and works over any
// stack (a socket today, maybe a proxy later). Because the BIO blocks until
// its deadline, OpenSSL never returns WANT_READ/WANT_WRITE here.
//
// Built by TlsServerContext::Handshake() (server) or TlsClientContext::Connect()
// (client); protocol code sees only net::Transport. Servers that want the
// negotiated parameters for the log or for SASL EXTERNAL read Info(), or use
// AsTls() on Connection::transport().
//
// One thread at a time, like the Connection that owns it. Destruction sends
// close_notify (best effort, 1 s at most) if the session is healthy.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "net/connection.h"

namespace satrap::tls {

// What a handshake negotiated, for logs and authentication.
struct TlsInfo {
  std::string protocol;       // "TLSv1.3"
  std::string cipher;         // "TLS_AES_256_GCM_SHA384"
  int bits = 0;               // secret bits of the cipher
  int alg_bits = 0;           // algorithm bits
  bool resumed = false;       // session resumption, no full handshake
  bool peer_verified = false; // the client certificate chain verified
  std::string peer_subject;   // one-line subject of the peer certificate, if any
  std::string peer_cn;        // its commonName, if any

  // Cyrus' log form: "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256
  // bits new) no authentication" ("reused" when resumed; "authenticated as
  // CN" with a verified client certificate).
  std::string ToString() const;
};

class TlsTransport : public net::Transport {
 public:
  // Takes ownership of both. `ssl` must not have a BIO yet.
  TlsTransport(SSL* ssl, std::unique_ptr<net::Transport> lower);
  ~TlsTransport() override;
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  // The handshake, as server or client. kTimeout, kClosed (peer went away),
  // or kInvalid with OpenSSL's reasons (protocol or certificate failure).
  Status Accept(net::Deadline deadline);
  Status Connect(net::Deadline deadline);

  // net::Transport. Read() returns 0 on close_notify or EOF.
  Result<size_t> Read(std::span<char> into, net::Deadline deadline) override;
  Status Write(std::string_view from, net::Deadline deadline) override;
  // Small pieces are joined so that one burst becomes few TLS records.
  Status WriteV(std::span<const std::string_view> pieces, net::Deadline deadline) override;
  bool HasPending() const override;
  int fd() const override;

  TlsInfo Info() const;
  // Client side: the session in DER, to resume later with
  // TlsClientContext::Connect(); empty when not resumable (yet: TLS 1.3
  // tickets arrive after the handshake, with the first read).
  std::string SessionDer() const;
  SSL* ssl() { return ssl_; }

 private:
  friend struct BioGlue;
  // Runs one SSL_* call with `deadline` visible to the BIO and maps its
  // outcome; `*ret` gets the call's return value.
  Status Drive(const char* what, net::Deadline deadline, int* ret, int (*call)(SSL*, void*),
               void* arg);

  std::unique_ptr<net::Transport> lower_;
  SSL* ssl_;
  net::Deadline deadline_{};  // of the SSL_* call in progress
  Status lower_status_;       // what the lower transport said, if it failed
  bool healthy_ = false;      // handshake done and no error since
};

// The TLS layer of `transport`, or nullptr if it is not TLS.
const TlsTransport* AsTls(const net::Transport& transport);

// Everything on OpenSSL's error queue as one line (and clears the queue).
std::string OpenSslErrors();

}  // namespace satrap::tls
