// TlsServerContext: the server side of TLS for one service in one worker.
//
// A worker builds it once at start, before accepting anyone, so that a
// missing certificate, a key that does not match it or a bad cipher list is a
// startup error naming the file (the worker then log::Fatal()s and the master
// throttles the service) instead of a failure in front of every client.
//
// Handshake() serves both `-s` services (TLS from the first byte: call it on
// the fresh socket transport) and STARTTLS/STLS (through StartTls(), which
// refuses when clear-text input is pipelined: CVE-2011-0411).
//
// Sessions: with a session database and a non-zero session_timeout, sessions
// are kept in tls_sessions.db (session_cache.h) so that a client reconnecting
// to any worker resumes: TLS 1.2 by session id, TLS 1.3 by (stateful) ticket.
// Stateless tickets are off: they would need one ticket key shared by every
// worker, rotated and kept secret on disk; the database gives the same
// resumption, expires with tls_session_timeout and is pruned by tls_prune.
//
// Thread safety: Handshake() may run from several threads (OpenSSL contexts
// are thread-safe); the session database must then be too (BDB handles are).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <optional>

#include "db/kv.h"
#include "net/connection.h"
#include "tls/session_cache.h"
#include "tls/settings.h"
#include "tls/tls_transport.h"

namespace satrap::tls {

class TlsServerContext {
 public:
  // Loads certificate, key and CAs and applies versions and ciphers. kInvalid
  // with the option and file name: "tls_cert_file /etc/x.pem: No such file or
  // directory", "tls_key_file /k.pem does not match tls_cert_file /c.pem".
  // `sessions` (may be nullptr: no resumption across processes) is borrowed
  // and must outlive the context.
  static Result<std::unique_ptr<TlsServerContext>> Create(const TlsSettings& settings,
                                                          db::Database* sessions = nullptr);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // Runs the server handshake over `plain` until `deadline`. On success the
  // returned transport owns `plain`; on failure `plain` is gone (the session
  // must end). `info`, when given, receives what was negotiated.
  Result<std::unique_ptr<net::Transport>> Handshake(std::unique_ptr<net::Transport> plain,
                                                    net::Deadline deadline,
                                                    TlsInfo* info = nullptr);

  const TlsSettings& settings() const { return settings_; }
  SSL_CTX* ssl_ctx() { return ctx_; }

 private:
  friend struct SessionGlue;
  explicit TlsServerContext(const TlsSettings& settings);
  Status Configure(db::Database* sessions);
  Status LoadIdentity();
  Status LoadClientCas();

  TlsSettings settings_;
  SSL_CTX* ctx_ = nullptr;
  std::optional<SessionCache> cache_;
};

// STARTTLS on `conn`: the caller has already queued its "go ahead" reply
// (it is flushed in clear text first). kInvalid, without touching the
// connection, when clear-text input is buffered; any other failure leaves
// the connection dead (its sticky error says why).
Status StartTls(net::Connection& conn, TlsServerContext& context, net::Deadline deadline,
                TlsInfo* info = nullptr);

// Applies a tls_versions list ("tls1_2 tls1_3") to `ctx`; kInvalid for an
// unknown name or an empty list.
Status ApplyVersions(SSL_CTX* ctx, const std::vector<std::string>& versions);

}  // namespace satrap::tls
