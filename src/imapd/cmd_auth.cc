// Not-authenticated state (RFC 3501 §6.2): STARTTLS, AUTHENTICATE (with
// RFC 4959 SASL-IR), LOGIN; and LOGOUT (§6.1.3). The rules (plaintext only
// under TLS unless allowplaintext, proxy authorisation, anonymous) live in
// lib/auth; this file frames the exchange and logs the outcome.
#include "auth/login_log.h"
#include "auth/sasl_exchange.h"
#include "base/strings.h"
#include "commands.h"
#include "log/log.h"

namespace satrap::imapd {
namespace {

void Succeed(Session& s, Responder& r, std::string_view text) {
  s.LoggedIn(*s.auth()->authenticated());
  std::string code = "[CAPABILITY " + s.Capabilities() + "]";
  std::string line(text);
  line += " SESSIONID=<" + s.id() + ">";
  r.Ok(line, code);
}

void Failed(Session& s, Responder& r, const Status& status) {
  bool too_many = s.LoginFailed();
  StatusReply reply = AuthReplyFor(status, s.id());
  if (reply.kind == Completion::kBad) {
    r.Bad(reply.text, reply.code);
  } else {
    r.No(reply.text, reply.code);
  }
  if (too_many) {
    r.Untagged("BYE Too many login failures");
    s.EndAfterCommand();
  }
}

// RFC 3501 §7.5: challenges go out as continuation requests ("+ base64").
class ImapSaslChannel : public auth::SaslChannel {
 public:
  ImapSaslChannel(Session& s, Responder& r) : s_(s), r_(r) {}
  Status SendChallenge(std::string_view base64) override { return r_.Continue(base64); }
  Result<std::string> ReadResponse() override { return s_.ReadClientLine(); }

 private:
  Session& s_;
  Responder& r_;
};

}  // namespace

void CmdAuthenticate(Session& s, const Args& a, Responder& r) {
  if (a.args.empty() || a.args.size() > 2 || !a.args[0].IsAtom()) {
    return r.Bad("Usage: AUTHENTICATE mechanism [initial-response]");
  }
  if (s.auth() == nullptr) return r.No("Authentication unavailable", "[UNAVAILABLE]");
  const std::string& mechanism = a.args[0].text;
  std::optional<std::string> initial;
  if (a.args.size() == 2) {
    std::optional<std::string_view> text = a.args[1].AsAstring();
    if (!text) return r.Bad("Invalid initial response");
    Result<std::string> decoded = auth::DecodeInitialResponse(*text);
    if (!decoded.ok()) return r.Bad("Invalid base64 in initial response");
    initial = std::move(*decoded);
  }
  std::optional<std::string_view> ir;
  if (initial) ir = *initial;
  ImapSaslChannel channel(s, r);
  auth::SaslOutcome outcome = auth::RunSaslExchange(*s.auth(), mechanism, ir, channel);
  switch (outcome.kind) {
    case auth::SaslOutcome::Kind::kDone:
      return Succeed(s, r,
                     s.tls_active() ? "Success (tls protection)" : "Success (no protection)");
    case auth::SaslOutcome::Kind::kDisconnected:
      s.EndAfterCommand();
      return r.Bad("AUTHENTICATE cancelled");
    case auth::SaslOutcome::Kind::kCancelled:
      return r.Bad("AUTHENTICATE cancelled");
    case auth::SaslOutcome::Kind::kFailed:
    case auth::SaslOutcome::Kind::kMalformed:
      break;
  }
  auth::LogBadLogin(s.peer(), AsciiUpper(mechanism), "", outcome.status);
  Failed(s, r, outcome.status);
}

void CmdLogin(Session& s, const Args& a, Responder& r) {
  if (a.args.size() != 2) return r.Bad("Usage: LOGIN user password");
  std::optional<std::string_view> user = a.args[0].AsAstring();
  std::optional<std::string_view> password = a.args[1].AsAstring();
  if (!user || !password) return r.Bad("Invalid user name or password syntax");
  if (s.auth() == nullptr) return r.No("Authentication unavailable", "[UNAVAILABLE]");
  if (!s.auth()->PlaintextAllowed()) {
    auth::LogBadLogin(s.peer(), "plaintext", *user,
                      Status::NoPermission("plaintext login on an unprotected channel"));
    return r.No("Login only available under a layer", "[PRIVACYREQUIRED]");
  }
  Result<auth::Authenticated> who = s.auth()->CheckPlaintext(*user, *password);
  if (!who.ok()) {
    auth::LogBadLogin(s.peer(), "plaintext", *user, who.status());
    return Failed(s, r, who.status());
  }
  Succeed(s, r, "User logged in");
}

void CmdStartTls(Session& s, const Args& a, Responder& r) {
  if (!a.args.empty()) return r.Bad("STARTTLS takes no arguments");
  if (s.tls_active()) return r.Bad("Already successfully executed STARTTLS");
  if (!s.CanStartTls()) return r.No("STARTTLS not available");
  // Bytes sent behind STARTTLS arrived in clear text; running them after the
  // handshake would let an attacker inject commands (CVE-2011-0411).
  if (s.HasPipelinedInput()) return r.Bad("STARTTLS must not be pipelined", "[CLIENTBUG]");
  r.Ok("Begin TLS negotiation now");
  if (!r.SendCompletionNow().ok()) return s.EndAfterCommand();
  Status tls = s.StartTls();
  if (!tls.ok()) {
    log::Notice("STARTTLS failed: %s peer=%s session=%s", tls.ToString().c_str(),
                s.peer().c_str(), s.id().c_str());
    s.EndAfterCommand();
  }
}

void CmdLogout(Session& s, const Args& a, Responder& r) {
  if (!a.args.empty()) return r.Bad("LOGOUT takes no arguments");
  r.Untagged("BYE LOGOUT received");
  r.Ok("Completed");
  s.EndAfterCommand();
}

}  // namespace satrap::imapd
