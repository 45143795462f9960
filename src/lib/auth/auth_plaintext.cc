// AuthSession's logins outside a SASL exchange: IMAP LOGIN, POP3 USER/PASS
// (CheckPlaintext) and POP3 APOP (CheckApop).
#include <sasl/sasl.h>

#include "auth/auth_session.h"
#include "auth/auth_session_internal.h"
#include "base/strings.h"

namespace satrap::auth {
namespace {

// An APOP digest is the MD5 in 32 lower-case hex digits (RFC 1939 section 7).
bool IsApopDigest(std::string_view digest) {
  if (digest.size() != 32) return false;
  for (char c : digest) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<Authenticated> AuthSession::CheckPlaintext(std::string_view user, std::string_view password,
                                                  std::string_view authzid) {
  if (authenticated_) return Status::Invalid("already authenticated");
  if (in_exchange_) Cancel();
  mechanism_ = "plaintext";
  if (!PlaintextAllowed()) {
    return Fail(Status::NoPermission("plaintext login refused on an unencrypted channel")).status;
  }
  std::string canonical = policy_.CanonicalUser(user);
  if (canonical.empty()) return Fail(Status::NoPermission("bad userid")).status;
  if (!policy_.LoginRealmAllowed(canonical)) {
    return Fail(Status::NoPermission(StringPrintf("cross-realm login %s denied", canonical.c_str())))
        .status;
  }
  // Cyrus: "anonymous" logs in with any password when allowed, never via SASL.
  if (IsAnonymousUser(canonical)) {
    if (!policy_.allow_anonymous) return Fail(Status::NoPermission("anonymous login refused")).status;
    Result<Authenticated> who = Complete(canonical, canonical, mechanism_);
    if (!who.ok()) return Fail(who.status()).status;
    authenticated_ = *who;
    return who;
  }
  std::string user_copy(user);
  std::string password_copy(password);
  callback_status_ = Status::Ok();
  int result = sasl_checkpass(sasl_->conn, user_copy.c_str(), static_cast<unsigned>(user_copy.size()),
                              password_copy.c_str(), static_cast<unsigned>(password_copy.size()));
  if (result != SASL_OK) return Fail(FailStatus(result, "checkpass")).status;
  std::string authid = GetStringProperty(sasl_->conn, SASL_USERNAME);
  if (authid.empty()) authid = canonical;

  std::string userid = authid;
  if (!authzid.empty()) {
    userid = policy_.CanonicalUser(authzid);
    if (userid.empty()) return Fail(Status::NoPermission("bad authorization id")).status;
    if (userid != authid) {
      Result<std::vector<std::string>> groups = groups_->GroupsOf(authid);
      if (!groups.ok()) return Fail(groups.status()).status;
      if (!policy_.MayActAs(authid, *groups, userid)) {
        return Fail(Status::NoPermission(
                        StringPrintf("user %s is not allowed to proxy", authid.c_str())))
            .status;
      }
    }
  }
  Result<Authenticated> who = Complete(authid, userid, mechanism_);
  if (!who.ok()) return Fail(who.status()).status;
  authenticated_ = *who;
  return who;
}

bool AuthSession::ApopAvailable() {
  if (!policy_.allow_apop || !policy_.LayerSufficient(ssf_)) return false;
  if (sasl_ == nullptr || sasl_->conn == nullptr) return false;
  // With no challenge, libsasl2 only says whether it can check APOP at all.
  return sasl_checkapop(sasl_->conn, nullptr, 0, nullptr, 0) == SASL_OK;
}

Result<Authenticated> AuthSession::CheckApop(std::string_view challenge, std::string_view user,
                                             std::string_view digest) {
  if (authenticated_) return Status::Invalid("already authenticated");
  if (in_exchange_) Cancel();
  mechanism_ = "APOP";
  if (!ApopAvailable()) return Fail(Status::Unsupported("APOP is not available")).status;
  if (challenge.empty()) return Fail(Status::Invalid("APOP without a challenge")).status;
  if (!IsApopDigest(digest)) return Fail(Status::Invalid("APOP digest is not 32 hex digits")).status;
  std::string canonical = policy_.CanonicalUser(user);
  if (canonical.empty() || !policy_.LoginRealmAllowed(canonical)) {
    return Fail(Status::NoPermission("bad userid")).status;
  }
  std::string challenge_copy(challenge);
  std::string response = std::string(user) + " " + std::string(digest);
  callback_status_ = Status::Ok();
  int result = sasl_checkapop(sasl_->conn, challenge_copy.c_str(),
                              static_cast<unsigned>(challenge_copy.size()), response.c_str(),
                              static_cast<unsigned>(response.size()));
  if (result != SASL_OK) return Fail(FailStatus(result, "APOP")).status;
  std::string userid = GetStringProperty(sasl_->conn, SASL_USERNAME);
  Result<Authenticated> who = Complete(userid, userid, mechanism_);
  if (!who.ok()) return Fail(who.status()).status;
  authenticated_ = *who;
  return who;
}

}  // namespace satrap::auth
