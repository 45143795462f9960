// RunSaslExchange: the SASL challenge/response loop every protocol runs after
// its AUTH command (IMAP AUTHENTICATE, RFC 3501 §6.2.2; POP3 AUTH, RFC 5034
// §4; LMTP/SMTP AUTH, RFC 4954 §4), without the protocol's framing.
//
// The protocols differ only in how a challenge is framed ("+ <base64>" for
// IMAP and POP3, "334 <base64>" for LMTP) and in what they answer; the loop
// itself — base64 both ways, "*" cancels, an undecodable line aborts — is
// here, driving an AuthSession. The caller keeps the protocol decisions:
// its reply, its log line, PauseAfterFailure() and its failure cap.
//
// Single-threaded, like the AuthSession it drives.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/auth_session.h"
#include "base/result.h"
#include "base/status.h"

namespace satrap::auth {

// A protocol's side of the exchange.
class SaslChannel {
 public:
  virtual ~SaslChannel() = default;
  // Sends one server challenge, already base64-encoded (may be empty), in
  // the protocol's framing. A non-OK Status means the connection is gone.
  virtual Status SendChallenge(std::string_view base64) = 0;
  // Flushes what was sent and reads the client's next line, without its
  // CRLF. A non-OK Status means the connection is gone (or timed out).
  virtual Result<std::string> ReadResponse() = 0;
};

struct SaslOutcome {
  enum class Kind {
    kDone,          // authenticated: session.authenticated() is the user
    kFailed,        // the mechanism said no; `status` says why (login_log.h)
    kCancelled,     // the client answered "*"
    kMalformed,     // a response that is not base64; `status` is kInvalid
    kDisconnected,  // sending or reading failed; end the session
  };
  Kind kind = Kind::kFailed;
  Status status;  // OK unless kFailed or kMalformed
};

// Starts `mechanism` (as the client named it; matched without regard to
// case) with the decoded `initial_response` (nullopt: none; "" is an empty
// one, the protocols' "="), then loops: challenge out through `channel`,
// response in, until the mechanism finishes or the client stops. After
// anything but kDone and kFailed the SASL exchange has been cancelled, so
// `session` is ready for a new one.
SaslOutcome RunSaslExchange(AuthSession& session, std::string_view mechanism,
                            std::optional<std::string_view> initial_response,
                            SaslChannel& channel);

// Decodes a client's initial response as the three protocols write it:
// "=" is an empty response (RFC 4959 §3, RFC 5034 §4, RFC 4954 §4),
// anything else is base64. kInvalid when it is not base64.
Result<std::string> DecodeInitialResponse(std::string_view text);

}  // namespace satrap::auth
