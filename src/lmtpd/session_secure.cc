// STARTTLS (RFC 3207) and AUTH (RFC 4954) for LMTP over TCP.
#include "auth/auth_session.h"
#include "auth/sasl_exchange.h"
#include "base/strings.h"
#include "lmtpd/session.h"
#include "log/log.h"
#include "tls/server_context.h"

namespace satrap::lmtpd {

using protocol::SmtpCommand;

Session::Next Session::StartTls(const SmtpCommand& command) {
  if (security_.tls == nullptr || tls_active_) {
    Send(502, "5.5.1", "STARTTLS not available");
    return Next::kContinue;
  }
  if (!TrimWhitespace(command.argument).empty()) {
    Send(501, "5.5.4", "STARTTLS takes no arguments");
    return Next::kContinue;
  }
  if (conn_.HasBufferedInput()) {
    // CVE-2011-0411: commands pipelined behind STARTTLS arrived in clear
    // text and must not run inside the protected session.
    Send(554, "5.5.1", "Pipelined data after STARTTLS; closing connection");
    return Next::kQuit;
  }
  Send(220, "2.0.0", "Ready to start TLS");
  tls::TlsInfo info;
  const net::Deadline deadline = net::Clock::now() + conn_.limits().io_timeout;
  Status status = tls::StartTls(conn_, *security_.tls, deadline, &info);
  if (!status.ok()) {
    log::Notice("STARTTLS failed: session=%s peer=%s %s", options_.session_id.c_str(),
                options_.peer.c_str(), status.ToString().c_str());
    return Next::kQuit;
  }
  tls_active_ = true;
  if (security_.auth != nullptr) (void)security_.auth->SetSecureChannel(info.bits);
  // RFC 3207 §4.2: forget everything learned before the handshake.
  greeted_ = false;
  ResetTransaction();
  log::Info("starttls: session=%s peer=%s %s", options_.session_id.c_str(),
            options_.peer.c_str(), info.protocol.c_str());
  return Next::kContinue;
}

namespace {

// RFC 4954 §4: challenges go out as "334 base64" lines.
class LmtpSaslChannel : public auth::SaslChannel {
 public:
  explicit LmtpSaslChannel(net::Connection& conn) : conn_(conn) {}
  Status SendChallenge(std::string_view base64) override {
    conn_.Write("334 " + std::string(base64) + "\r\n");
    return Status();  // a write error is sticky: the read that follows fails
  }
  Result<std::string> ReadResponse() override { return conn_.ReadLine(); }

 private:
  net::Connection& conn_;
};

// RFC 4954 §6 replies for a failed AUTH.
Reply AuthFailureReply(const Status& status) {
  switch (status.code()) {
    case Code::kUnsupported:
      return {504, "5.5.4", "Unrecognized authentication mechanism"};
    case Code::kInvalid:
      return {501, "5.5.2", "Malformed authentication exchange"};
    case Code::kTempFail:
      return {454, "4.7.0", "Temporary authentication failure"};
    default:
      return {535, "5.7.8", "Authentication credentials invalid"};
  }
}

}  // namespace

Session::Next Session::Auth(const SmtpCommand& command) {
  auth::AuthSession* auth = security_.auth;
  if (auth == nullptr) {
    Send(502, "5.5.1", "AUTH not available");
    return Next::kContinue;
  }
  if (!greeted_ || auth->authenticated() != nullptr || txn_.active) {
    Send(503, "5.5.1", auth->authenticated() != nullptr ? "Already authenticated"
                                                        : "AUTH not allowed now");
    return Next::kContinue;
  }
  std::vector<std::string_view> words = SplitWhitespace(command.argument);
  if (words.empty() || words.size() > 2) {
    Send(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    return Next::kContinue;
  }
  std::optional<std::string> initial;
  if (words.size() == 2) {
    Result<std::string> decoded = auth::DecodeInitialResponse(words[1]);
    if (!decoded.ok()) {
      Send(501, "5.5.2", "Cannot decode initial response");
      return Next::kContinue;
    }
    initial = std::move(*decoded);
  }
  std::optional<std::string_view> initial_view;
  if (initial) initial_view = *initial;
  LmtpSaslChannel channel(conn_);
  auth::SaslOutcome outcome = auth::RunSaslExchange(*auth, words[0], initial_view, channel);
  switch (outcome.kind) {
    case auth::SaslOutcome::Kind::kDisconnected:
      return Next::kQuit;
    case auth::SaslOutcome::Kind::kCancelled:
      Send(501, "5.0.0", "Authentication cancelled");
      return Next::kContinue;
    case auth::SaslOutcome::Kind::kMalformed:
      Send(501, "5.5.2", "Cannot decode response");
      return Next::kContinue;
    case auth::SaslOutcome::Kind::kDone:
      log::Notice("login: session=%s peer=%s user=%s mech=%s", options_.session_id.c_str(),
                  options_.peer.c_str(), auth->authenticated()->userid.c_str(),
                  auth->mechanism().c_str());
      Send(235, "2.7.0", "Authentication successful");
      return Next::kContinue;
    case auth::SaslOutcome::Kind::kFailed:
      break;
  }
  log::Notice("badlogin: session=%s peer=%s mech=%s %s", options_.session_id.c_str(),
              options_.peer.c_str(), auth->mechanism().c_str(), outcome.status.ToString().c_str());
  const Code code = outcome.status.code();
  if (code != Code::kUnsupported && code != Code::kInvalid && code != Code::kTempFail) {
    auth->PauseAfterFailure();
  }
  Send(AuthFailureReply(outcome.status));
  return Next::kContinue;
}

}  // namespace satrap::lmtpd
