// AuthSession: one client connection's authentication, shared by imapd
// (AUTHENTICATE, LOGIN), pop3d (AUTH, USER/PASS, APOP), lmtpd (AUTH) and
// timsieved (AUTHENTICATE). It knows no protocol: it takes and returns raw
// SASL bytes (the protocol does its own base64 framing, see base/base64.h)
// and answers with a Status code the protocol maps to its reply.
//
// Rules it enforces (see policy.h for the options):
// - Plaintext mechanisms (PLAIN, LOGIN) and CheckPlaintext() need an
//   encrypted channel (SetSecureChannel with ssf > 1) unless allowplaintext.
// - ANONYMOUS and the user "anonymous" need allowanonymouslogin; they yield
//   an Identity with anonymous = true and no groups.
// - A user may act as another (an authorization identity different from the
//   authentication one) only if an admin or listed in proxyservers.
// - "user@realm" from another realm logs in only if loginrealms lists the
//   realm (Cyrus's cross-realm rule).
// - sasl_mech_list limits what is offered; an unoffered mechanism is
//   kUnsupported, exactly like an unknown one.
// - No SASL security layer is ever negotiated: Satrap's streams have no
//   SASL layer, so the properties say max_ssf 0 and maxbufsize 0 (DIGEST-MD5
//   then offers qop=auth only). sasl_maximum_layer is therefore ignored, and
//   sasl_minimum_layer can only be met by TLS: below it, no mechanism is
//   offered and every login is refused.
//
// Failures: kNoPermission for bad credentials, unknown users (the same, so a
// client cannot probe for users), refused proxying and refused plaintext;
// kInvalid for malformed client messages; kUnsupported for mechanisms not
// offered; kTempFail when the password back end is unreachable (saslauthd,
// LDAP); kInternal otherwise. The Status message is libsasl2's detail
// ("SASL(-13): authentication failure: Password verification failed"), for
// the log only (see login_log.h), never for the client.
//
// Each failure counts toward failures(); the protocol decides the cap and
// calls PauseAfterFailure() before answering, as Cyrus does with
// failedloginpause (here the pause grows with each failure).
//
// A protocol uses it like this (IMAP AUTHENTICATE; the others alike):
//   AuthStep step = session->Start(mechanism, initial_response);
//   while (step.state == AuthStep::State::kContinue) {
//     send "+ " + Base64Encode(step.data); read a line;
//     "*" -> session->Cancel(), BAD; not base64 -> Cancel(), BAD;
//     step = session->Step(decoded);
//   }
//   kFail: PauseAfterFailure(); LogBadLogin(...); NO (close after N failures)
//   kDone: LogLogin(...); session->authenticated()->identity is the user.
//
// Lifetime: auth::Init() must have run. One AuthSession per connection, used
// from one thread; neither it nor the identities it gives (whose groups are
// looked up when an ACL first names one) may outlive the GroupResolver it
// was given.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/identity.h"
#include "auth/groups.h"
#include "auth/policy.h"
#include "base/result.h"

namespace satrap::auth {

// The SASL service names Cyrus gives sasl_server_new(); sites' SASL set-ups
// (Kerberos principals, saslauthd PAM services) are keyed on them.
inline constexpr const char* kSaslServiceImap = "imap";
inline constexpr const char* kSaslServicePop = "pop";
inline constexpr const char* kSaslServiceLmtp = "lmtp";
inline constexpr const char* kSaslServiceSieve = "sieve";

struct SessionOptions {
  // The cyrus.conf service name ("imap", "imaps", "pop3", "lmtpunix"), for
  // per-service overrides such as imap_admins.
  std::string service;
  // The SASL service name Cyrus uses: "imap", "pop", "lmtp" or "sieve".
  std::string sasl_service;
  // "a.b.c.d;port" or "v6addr;port" (net::PeerInfo::SaslIpPort() of
  // net::DescribeLocal/DescribePeer); empty for a unix socket. Mechanisms
  // such as DIGEST-MD5 bind to them.
  std::string local_address;
  std::string remote_address;
  // True when the protocol can carry data with its success reply
  // (ManageSieve's OK (SASL "..."), SMTP/LMTP AUTH); false for IMAP4rev1 and
  // POP3. When false, a mechanism's final server data (SCRAM's server
  // signature, DIGEST-MD5's rspauth) comes as one more challenge, whose
  // answer must be empty.
  bool success_data = false;
};

// Who logged in.
struct Authenticated {
  std::string authid;     // the identity whose credentials were checked
  std::string userid;     // the identity the session acts as (authzid); == authid unless proxying
  std::string mechanism;  // "PLAIN", "SCRAM-SHA-256", ...; "plaintext" for CheckPlaintext, "APOP"
  acl::Identity identity;  // userid with groups, is_admin, anonymous
};

struct AuthStep {
  enum class State { kContinue, kDone, kFail };
  State state = State::kFail;
  // kContinue: the challenge to send (raw bytes; may be empty). kDone: success
  // data for protocols with SessionOptions::success_data (may be empty).
  std::string data;
  // kFail: why (see the file comment for the codes).
  Status status;
};

class AuthSession {
 public:
  // Opens the SASL connection with the policy of the config given to Init().
  static Result<std::unique_ptr<AuthSession>> Create(SessionOptions options,
                                                     GroupResolver* groups);
  ~AuthSession();
  AuthSession(const AuthSession&) = delete;
  AuthSession& operator=(const AuthSession&) = delete;

  // Tells SASL the channel is protected with strength `ssf` (TLS cipher bits;
  // 2 for a local unix socket, as Cyrus lmtpd does). `external_id` is the
  // identity the channel proved (a client certificate), or empty.
  Status SetSecureChannel(unsigned ssf, std::string_view external_id = {});
  unsigned channel_ssf() const { return ssf_; }

  // Mechanisms to advertise now, in libsasl2's order (strongest first).
  std::vector<std::string> Mechanisms();
  // May the protocol's own plaintext login (IMAP LOGIN, POP3 USER/PASS) run?
  // False means IMAP advertises LOGINDISABLED.
  bool PlaintextAllowed() const { return policy_.PlaintextAllowed(ssf_); }
  bool AnonymousAllowed() const { return policy_.allow_anonymous; }

  // Starts `mechanism` with an optional initial response (nullopt: none was
  // sent; an empty view: RFC 4959 "=", present but empty).
  AuthStep Start(std::string_view mechanism, std::optional<std::string_view> initial_response);
  // Continues with the client's (decoded) answer to the last challenge.
  AuthStep Step(std::string_view response);
  // The client cancelled ("*"): drops the exchange. Not counted as a failure.
  void Cancel();

  // Checks a plaintext password (IMAP LOGIN, POP3 USER/PASS, the SASL-less
  // paths) with sasl_checkpass, so pwcheck_method (auxprop, saslauthd) holds.
  // A non-empty `authzid` different from the user asks to act as that user.
  Result<Authenticated> CheckPlaintext(std::string_view user, std::string_view password,
                                       std::string_view authzid = {});
  // RFC 1939 APOP: `digest` is the hex MD5 of challenge + secret. Needs a
  // store with plaintext secrets (sasldb's userPassword) and a libsasl2 built
  // with APOP; kUnsupported otherwise.
  Result<Authenticated> CheckApop(std::string_view challenge, std::string_view user,
                                  std::string_view digest);
  // True when the SASL library can check APOP at all (pop3d's CAPA/greeting).
  bool ApopAvailable();

  // Set once a login succeeded; nullptr before.
  const Authenticated* authenticated() const { return authenticated_ ? &*authenticated_ : nullptr; }
  // The mechanism of the exchange in progress or last tried.
  const std::string& mechanism() const { return mechanism_; }
  int failures() const { return failures_; }
  // The pause due after the latest failure, and taking it (sleeps).
  std::chrono::seconds FailureDelay() const { return policy_.PauseAfter(failures_); }
  void PauseAfterFailure() const;
  const AuthPolicy& policy() const { return policy_; }

 private:
  AuthSession(SessionOptions options, AuthPolicy policy, GroupResolver* groups);
  struct Sasl;  // the libsasl2 connection and its callbacks (auth_session.cc)
  friend struct SaslCallbacks;

  Status Open();
  Status ApplyProperties();
  AuthStep Exchange(int result, const char* out, unsigned out_len);
  AuthStep Fail(Status status);
  Result<Authenticated> Complete(std::string authid, std::string userid, std::string mechanism);
  Status FailStatus(int result, std::string_view what);
  Status RefuseUnlessLayerSufficient() const;

  SessionOptions options_;
  AuthPolicy policy_;
  GroupResolver* groups_;
  std::unique_ptr<Sasl> sasl_;
  Status callback_status_;  // a failure inside a libsasl2 callback (group lookup)
  unsigned ssf_ = 0;
  std::string external_id_;
  std::string mechanism_;
  bool in_exchange_ = false;
  int failures_ = 0;
  std::optional<Authenticated> authenticated_;
};

}  // namespace satrap::auth
