// AUTHORIZATION state (RFC 1939 §4, §7): USER/PASS, APOP; AUTH (RFC 5034,
// with the initial response of RFC 2449's SASL capability); STLS (RFC 2595).
// The rules (plaintext only under TLS unless allowplaintext, APOP only with
// plaintext secrets, proxying, anonymous) live in lib/auth; this file frames
// the exchanges and logs the outcome.
#include "auth/login_log.h"
#include "auth/sasl_exchange.h"
#include "base/strings.h"
#include "commands.h"
#include "log/log.h"
#include "reply.h"

namespace satrap::pop3d {
namespace {

bool RequireAuth(Session& s) {
  if (s.auth() != nullptr) return true;
  s.Write(Err("SYS/TEMP", "Authentication is unavailable"));
  return false;
}

// RFC 5034 §4: challenges go out as "+ base64" lines.
class Pop3SaslChannel : public auth::SaslChannel {
 public:
  explicit Pop3SaslChannel(Session& s) : s_(s) {}
  Status SendChallenge(std::string_view base64) override {
    s_.Write("+ " + std::string(base64) + "\r\n");
    return Status();  // a write error is sticky: the read that follows fails
  }
  Result<std::string> ReadResponse() override { return s_.ReadClientLine(); }

 private:
  Session& s_;
};

void ListMechanisms(Session& s) {
  // The pre-RFC 5034 discovery form ("AUTH" alone), still sent by some
  // clients (Outlook); Cyrus answers it the same way.
  std::string reply = "+OK List of supported mechanisms follows\r\n";
  for (const std::string& mechanism : s.auth()->Mechanisms()) reply += mechanism + "\r\n";
  reply += ".\r\n";
  s.Write(reply);
}

}  // namespace

void CmdUser(Session& s, const Command& c) {
  if (c.args.size() != 1) return s.Write(Err("", "Usage: USER name"));
  if (!RequireAuth(s)) return;
  if (!s.auth()->PlaintextAllowed()) {
    auth::LogBadLogin(s.peer(), "plaintext", c.args[0],
                      Status::NoPermission("plaintext login on an unprotected channel"));
    return s.Write(Err("AUTH", "USER command only available under a layer"));
  }
  if (s.pending_user()) return s.Write(Err("AUTH", "Must give PASS command"));
  s.pending_user() = c.args[0];
  s.Ok("Name is a valid mailbox");
}

void CmdPass(Session& s, const Command& c) {
  if (!s.pending_user()) return s.Write(Err("AUTH", "Must give USER command"));
  if (c.rest.empty()) return s.Write(Err("", "Usage: PASS password"));
  if (!RequireAuth(s)) return;
  std::string user = *s.pending_user();
  Result<auth::Authenticated> who = s.auth()->CheckPlaintext(user, c.rest);
  if (!who.ok()) {
    auth::LogBadLogin(s.peer(), "plaintext", user, who.status());
    return s.LoginFailed(AuthErrLine(who.status(), s.id()));
  }
  s.LoggedIn(*who);
}

void CmdApop(Session& s, const Command& c) {
  if (s.apop_challenge().empty()) return s.Write(Err("AUTH", "APOP is not available"));
  if (c.args.size() != 2) return s.Write(Err("", "Usage: APOP name digest"));
  if (s.pending_user()) return s.Write(Err("AUTH", "Must give PASS command"));
  if (!RequireAuth(s)) return;
  Result<auth::Authenticated> who = s.auth()->CheckApop(s.apop_challenge(), c.args[0], c.args[1]);
  if (!who.ok()) {
    auth::LogBadLogin(s.peer(), "APOP", c.args[0], who.status());
    return s.LoginFailed(AuthErrLine(who.status(), s.id()));
  }
  s.LoggedIn(*who);
}

void CmdAuth(Session& s, const Command& c) {
  if (!RequireAuth(s)) return;
  if (c.args.empty()) return ListMechanisms(s);
  if (c.args.size() > 2) return s.Write(Err("", "Usage: AUTH mechanism [initial-response]"));
  if (s.pending_user()) return s.Write(Err("AUTH", "Must give PASS command"));
  const std::string mechanism = AsciiUpper(c.args[0]);
  std::optional<std::string> initial;
  if (c.args.size() == 2) {
    Result<std::string> decoded = auth::DecodeInitialResponse(c.args[1]);
    if (!decoded.ok()) return s.Write(Err("AUTH", "Invalid base64 in initial response"));
    initial = std::move(*decoded);
  }
  std::optional<std::string_view> ir;
  if (initial) ir = *initial;
  Pop3SaslChannel channel(s);
  auth::SaslOutcome outcome = auth::RunSaslExchange(*s.auth(), mechanism, ir, channel);
  switch (outcome.kind) {
    case auth::SaslOutcome::Kind::kDone:
      return s.LoggedIn(*s.auth()->authenticated());
    case auth::SaslOutcome::Kind::kDisconnected:
      s.EndAfterCommand();
      return s.Write(Err("AUTH", "Authentication cancelled"));
    case auth::SaslOutcome::Kind::kCancelled:
      return s.Write(Err("AUTH", "Authentication cancelled"));
    case auth::SaslOutcome::Kind::kFailed:
    case auth::SaslOutcome::Kind::kMalformed:
      break;
  }
  auth::LogBadLogin(s.peer(), mechanism, "", outcome.status);
  s.LoginFailed(AuthErrLine(outcome.status, s.id()));
}

void CmdStls(Session& s, const Command& c) {
  if (!c.rest.empty()) return s.Write(Err("", "STLS takes no arguments"));
  if (s.tls_active()) return s.Write(Err("", "Already successfully executed STLS"));
  if (!s.CanStartTls()) return s.Write(Err("", "STLS is not available"));
  // Bytes sent behind STLS arrived in clear text; running them after the
  // handshake would let an attacker inject commands (CVE-2011-0411).
  if (s.HasPipelinedInput()) return s.Write(Err("", "STLS must not be pipelined"));
  s.Ok("Begin TLS negotiation now");
  if (!s.Flush().ok()) return s.EndAfterCommand();
  Status tls = s.StartTls();
  if (!tls.ok()) {
    log::Notice("STLS failed: %s peer=%s session=%s", tls.ToString().c_str(), s.peer().c_str(),
                s.id().c_str());
    return s.EndAfterCommand();
  }
  // RFC 2595 §4: nothing learned before the handshake carries over.
  s.pending_user().reset();
}

}  // namespace satrap::pop3d
