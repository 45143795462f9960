// The SASL challenge/response loop (sasl_exchange.h).
#include "auth/sasl_exchange.h"

#include "base/base64.h"
#include "base/strings.h"

namespace satrap::auth {
namespace {

SaslOutcome Outcome(SaslOutcome::Kind kind, Status status = Status()) {
  SaslOutcome outcome;
  outcome.kind = kind;
  outcome.status = std::move(status);
  return outcome;
}

}  // namespace

SaslOutcome RunSaslExchange(AuthSession& session, std::string_view mechanism,
                            std::optional<std::string_view> initial_response,
                            SaslChannel& channel) {
  AuthStep step = session.Start(AsciiUpper(mechanism), initial_response);
  while (step.state == AuthStep::State::kContinue) {
    Result<std::string> line = channel.SendChallenge(Base64Encode(step.data)).ok()
                                   ? channel.ReadResponse()
                                   : Result<std::string>(Status::TempFail("connection lost"));
    if (!line.ok()) {
      session.Cancel();
      return Outcome(SaslOutcome::Kind::kDisconnected);
    }
    // RFC 3501 §6.2.2, RFC 5034 §4, RFC 4954 §4: a line of "*" cancels.
    if (*line == "*") {
      session.Cancel();
      return Outcome(SaslOutcome::Kind::kCancelled);
    }
    Result<std::string> response = Base64Decode(*line);
    if (!response.ok()) {
      session.Cancel();
      return Outcome(SaslOutcome::Kind::kMalformed,
                     Status::Invalid("bad base64 in an authentication response"));
    }
    step = session.Step(*response);
  }
  if (step.state == AuthStep::State::kDone) return Outcome(SaslOutcome::Kind::kDone);
  return Outcome(SaslOutcome::Kind::kFailed, std::move(step.status));
}

Result<std::string> DecodeInitialResponse(std::string_view text) {
  if (text == "=") return std::string();
  return Base64Decode(text);
}

}  // namespace satrap::auth
