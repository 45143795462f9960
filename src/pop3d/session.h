// Session: one POP3 connection (RFC 1939), from greeting to QUIT.
//
// States: AUTHORIZATION until a login opens the maildrop, then TRANSACTION;
// QUIT in TRANSACTION is the UPDATE state (deletions are applied there and
// only there). session.cc reads a line, parses it (command.h), checks the
// state against the command table (commands.h) and dispatches; handlers
// write their replies through Ok()/Write() and never touch the socket.
//
// Bad input never ends the session: an overlong line, an unknown command, a
// command in the wrong state or a bad argument gets -ERR and the next line
// is read, up to kMaxBadCommands in a row. Idle time is bounded by
// poptimeout (RFC 1939 §3: at least 10 minutes) or -T.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/auth_session.h"
#include "command.h"
#include "maildrop.h"
#include "net/connection.h"
#include "server.h"
#include "service/service.h"

namespace satrap::pop3d {

enum SessionState : unsigned { kAuthorization = 1, kTransaction = 2 };

class Session {
 public:
  Session(Server& server, service::Context& ctx, net::Connection& conn);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Run();

  // --- for handlers ---------------------------------------------------
  // Queues "+OK text\r\n" / any raw reply line(s).
  void Ok(std::string_view text);
  void Write(std::string_view raw) { conn_.Write(raw); }
  // Queues the -ERR line for `status` (reply.h), logging its detail.
  void ErrStatus(const Status& status, std::string_view what);
  // The same for a message that cannot be read (reply.h MessageErrLine).
  void MessageErrStatus(const Status& status, std::string_view what);
  // Reads the next client line (SASL responses); flushes output first.
  Result<std::string> ReadClientLine() { return conn_.ReadLine(); }
  bool HasPipelinedInput() const { return conn_.HasBufferedInput(); }
  Status Flush() { return conn_.Flush(); }
  void EndAfterCommand() { ending_ = true; }

  const config::Config& config() const { return ctx_.config; }
  const std::string& id() const { return id_; }
  const std::string& peer() const { return peer_; }
  SessionState state() const { return state_; }
  auth::AuthSession* auth() { return auth_.get(); }
  Maildrop* maildrop() { return maildrop_.get(); }
  net::Connection& connection() { return conn_; }

  // TLS: available (a certificate is configured) and not yet active.
  bool CanStartTls() const { return server_.tls != nullptr && !tls_active_; }
  bool tls_active() const { return tls_active_; }
  // Runs the TLS handshake (STLS or -s) and tells SASL about the layer.
  Status StartTls();

  // The APOP timestamp of the greeting, empty when APOP is not offered.
  const std::string& apop_challenge() const { return apop_challenge_; }
  // USER's argument, waiting for PASS.
  std::optional<std::string>& pending_user() { return pending_user_; }

  // After a successful login: opens the maildrop and enters TRANSACTION
  // ("+OK"), or answers -ERR and stays in AUTHORIZATION with a fresh
  // authentication session (RFC 1939 §4 lets the client start again).
  void LoggedIn(const auth::Authenticated& who);
  // After a failed login: pauses (failedloginpause) and answers `line`;
  // ends the session after too many failures.
  void LoginFailed(const std::string& line);

 private:
  bool Greet();
  void Execute(const std::string& line);
  void NewAuthSession();
  std::string ApopChallenge() const;
  void LogEnd();

  Server& server_;
  service::Context& ctx_;
  net::Connection& conn_;
  std::string id_;
  std::string peer_;
  std::string local_sasl_;
  std::string remote_sasl_;
  bool peer_is_unix_ = false;
  SessionState state_ = kAuthorization;
  std::unique_ptr<auth::AuthSession> auth_;
  std::optional<auth::Authenticated> user_;
  std::optional<std::string> pending_user_;
  std::unique_ptr<Maildrop> maildrop_;
  std::string apop_challenge_;
  unsigned tls_ssf_ = 0;
  std::string tls_external_id_;
  bool tls_active_ = false;
  bool ending_ = false;
  int bad_in_a_row_ = 0;
};

}  // namespace satrap::pop3d
