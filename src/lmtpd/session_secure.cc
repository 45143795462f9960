// STARTTLS (RFC 3207) and AUTH (RFC 4954) for LMTP over TCP.
#include "auth/auth_session.h"
#include "base/base64.h"
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

// RFC 4954 §4: "=" is an empty initial response.
Result<std::optional<std::string>> DecodeInitial(std::string_view text) {
  if (text.empty()) return std::optional<std::string>();
  if (text == "=") return std::optional<std::string>(std::string());
  SATRAP_ASSIGN_OR_RETURN(std::string decoded, Base64Decode(text));
  return std::optional<std::string>(std::move(decoded));
}

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
  Result<std::optional<std::string>> initial =
      DecodeInitial(words.size() == 2 ? words[1] : std::string_view());
  if (!initial.ok()) {
    Send(501, "5.5.2", "Cannot decode initial response");
    return Next::kContinue;
  }
  std::optional<std::string_view> initial_view;
  if (initial->has_value()) initial_view = **initial;
  auth::AuthStep step = auth->Start(AsciiUpper(words[0]), initial_view);
  while (step.state == auth::AuthStep::State::kContinue) {
    conn_.Write("334 " + Base64Encode(step.data) + "\r\n");
    Result<std::string> line = conn_.ReadLine();
    if (!line.ok()) return Next::kQuit;
    if (*line == "*") {
      auth->Cancel();
      Send(501, "5.0.0", "Authentication cancelled");
      return Next::kContinue;
    }
    Result<std::string> response = Base64Decode(*line);
    if (!response.ok()) {
      auth->Cancel();
      Send(501, "5.5.2", "Cannot decode response");
      return Next::kContinue;
    }
    step = auth->Step(*response);
  }
  if (step.state == auth::AuthStep::State::kDone) {
    log::Notice("login: session=%s peer=%s user=%s mech=%s", options_.session_id.c_str(),
                options_.peer.c_str(), auth->authenticated()->userid.c_str(),
                auth->mechanism().c_str());
    Send(235, "2.7.0", "Authentication successful");
    return Next::kContinue;
  }
  log::Notice("badlogin: session=%s peer=%s mech=%s %s", options_.session_id.c_str(),
              options_.peer.c_str(), auth->mechanism().c_str(), step.status.ToString().c_str());
  if (step.status.code() != Code::kUnsupported && step.status.code() != Code::kInvalid &&
      step.status.code() != Code::kTempFail) {
    auth->PauseAfterFailure();
  }
  Send(AuthFailureReply(step.status));
  return Next::kContinue;
}

}  // namespace satrap::lmtpd
