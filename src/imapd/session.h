// Session: one IMAP client connection, from greeting to BYE.
//
// Run() reads commands with the incremental parser (lib/protocol), checks
// each against the command table (commands.cc) for the current state, and
// calls its handler with the parsed arguments and a Responder. Before the
// tagged completion it reports what other sessions changed in the selected
// mailbox, at the moments RFC 3501 §7 allows (no EXPUNGE during or at the end
// of FETCH, STORE, SEARCH and COPY by sequence number).
//
// Literals: synchronising ones get "+ go ahead" only when accepted; APPEND's
// message literals are streamed to an unlinked spool file (never held in
// memory), everything else is bounded by the parser's limits. Every limit
// (line, literal, command size, nesting, bad commands in a row, failed
// logins, idle time) ends in a BAD/NO or a BYE, never in a crash.
//
// Lifetime: built by the service skeleton for one connection; borrows the
// connection, the context and the process's Server. Single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_session.h"
#include "base/file.h"
#include "mailbox/mailbox.h"
#include "mailbox/store.h"
#include "net/connection.h"
#include "protocol/imap_arg.h"
#include "protocol/imap_parser.h"
#include "responder.h"
#include "server.h"
#include "service/service.h"
#include "tls/tls_transport.h"

namespace satrap::imapd {

// Session states (RFC 3501 §3), as bits for the command table.
enum StateBit : uint8_t {
  kNotAuth = 1,
  kAuth = 2,
  kSelected = 4,
  kLogout = 8,
};
inline constexpr uint8_t kAnyState = kNotAuth | kAuth | kSelected;
inline constexpr uint8_t kAuthOrSelected = kAuth | kSelected;

// An APPEND message literal: small ones are kept in memory (creating a
// spool file cost more than the rest of a small APPEND), the others went to
// an unlinked spool file.
struct SpooledLiteral {
  UniqueFd fd;
  std::optional<std::string> bytes;  // set when kept in memory
  uint64_t size = 0;
};

// A command as a handler sees it.
struct Args {
  std::string name;  // "FETCH", "UID FETCH"
  bool uid = false;
  std::vector<protocol::ImapArg> args;  // after the command (and UID's sub-command)
  // kStreamedLiteral arguments' data, in the order they appear.
  std::vector<SpooledLiteral> spooled;
};

class Session {
 public:
  Session(Server& server, service::Context& ctx, net::Connection& conn);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Serves the connection until LOGOUT, EOF, a timeout or a fatal limit.
  void Run();

  // --- for handlers ------------------------------------------------------
  StateBit state() const { return state_; }
  Server& server() { return server_; }
  service::Context& context() { return ctx_; }
  const config::Config& config() const { return ctx_.config; }
  const mailbox::Namespace& ns() const { return server_.ns; }
  net::Connection& conn() { return conn_; }
  const std::string& id() const { return id_; }
  // "localhost [127.0.0.1]", for log lines.
  const std::string& peer() const { return peer_; }
  // Null until the SASL session could be created (then logins are refused).
  auth::AuthSession* auth() { return auth_.get(); }
  const auth::Authenticated* user() const { return user_ ? &*user_ : nullptr; }
  bool tls_active() const { return tls_active_; }
  // STARTTLS is offered: a certificate is configured and TLS is not on yet.
  bool CanStartTls() const { return server_.tls_offered && !tls_active_; }

  // --- the mail store ----------------------------------------------------
  mailbox::Store& store() { return *server_.store; }
  // The logged-in identity; CHECKs that there is one.
  const acl::Identity& identity() const;
  // A client's mailbox name (modified UTF-7, as on the wire) to the internal
  // name, and back. Internal() fails with kInvalid for names that cannot be
  // mailboxes; External() gives "" for names the user must not see.
  Result<std::string> Internal(std::string_view external) const;
  std::string External(std::string_view internal) const;
  // The selected mailbox, or nullptr.
  mailbox::Mailbox* selected() { return selected_.get(); }
  void Select(std::unique_ptr<mailbox::Mailbox> mailbox);
  void Unselect();
  // Writes the untagged responses for what changed in the selected mailbox
  // (EXPUNGE, FLAGS, EXISTS, RECENT, FETCH FLAGS), in RFC 3501 order.
  void ReportChanges(const mailbox::RefreshChanges& changes, Responder& r);

  // The capability list for the current state ("IMAP4rev1 LITERAL+ ...").
  std::string Capabilities() const;

  // Reads one line from the client in the middle of a command (AUTHENTICATE
  // responses, IDLE's DONE), flushing output first.
  Result<std::string> ReadClientLine();
  // True when the client sent bytes beyond the current command (STARTTLS
  // must refuse them: CVE-2011-0411).
  bool HasPipelinedInput() const;
  // Runs the TLS handshake on the connection (STARTTLS after its OK has been
  // queued, or -s before the greeting). On failure the connection is dead.
  Status StartTls();
  // Moves to the authenticated state after a successful login.
  void LoggedIn(const auth::Authenticated& who);
  // Counts a failed login; true when the session must end (too many).
  bool LoginFailed();
  // Ends the session after the current command (LOGOUT, fatal errors).
  void EndAfterCommand() { ending_ = true; }

 private:
  enum class ReadOutcome { kCommand, kContinue, kEnd };

  bool Greet();
  ReadOutcome ReadCommand(protocol::ImapCommand* command, std::vector<SpooledLiteral>* spooled);
  ReadOutcome HandleLiteral(std::vector<SpooledLiteral>* spooled);
  ReadOutcome HandleParseError();
  Status StreamLiteral(uint64_t size, std::vector<SpooledLiteral>* spooled);
  void Execute(protocol::ImapCommand command, std::vector<SpooledLiteral> spooled);
  void SayBye(std::string_view text);
  void RefreshSelected(const Args& args, uint8_t flags, Responder& r);
  void LogEnd();
  void DrainBeforeClose();

  Server& server_;
  service::Context& ctx_;
  net::Connection& conn_;
  std::string id_;
  std::string peer_;
  std::unique_ptr<auth::AuthSession> auth_;
  std::optional<auth::Authenticated> user_;
  std::unique_ptr<mailbox::Mailbox> selected_;
  protocol::ImapParser parser_;
  std::string pending_input_;  // read from the connection, not yet fed to the parser
  StateBit state_ = kNotAuth;
  bool tls_active_ = false;
  bool ending_ = false;
  bool said_bye_ = false;
  int bad_in_a_row_ = 0;
  uint64_t max_message_size_ = 0;
};

}  // namespace satrap::imapd
