#include "auth/auth_session.h"

#include <sasl/sasl.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "auth/auth_session_internal.h"
#include "auth/sasl_init.h"
#include "base/check.h"
#include "base/strings.h"
#include "log/log.h"

namespace satrap::auth {

// libsasl2 calls these with the session as context.
struct SaslCallbacks {
  // SASL_CB_PROXY_POLICY: may `auth_identity` act as `requested_user`? Both
  // are already canonical (CanonUser ran).
  static int ProxyPolicy(sasl_conn_t* conn, void* context, const char* requested_user,
                         unsigned rlen, const char* auth_identity, unsigned alen,
                         const char* /*def_realm*/, unsigned /*urlen*/, propctx* /*props*/) {
    auto* session = static_cast<AuthSession*>(context);
    std::string authzid(requested_user, rlen ? rlen : strlen(requested_user));
    std::string authid(auth_identity, alen ? alen : strlen(auth_identity));
    if (!session->policy_.LoginRealmAllowed(authid)) {
      sasl_seterror(conn, 0, "cross-realm login %s denied", authid.c_str());
      return SASL_BADAUTH;
    }
    if (authzid == authid) return SASL_OK;
    Result<std::vector<std::string>> groups = session->groups_->GroupsOf(authid);
    if (!groups.ok()) {
      session->callback_status_ = groups.status();
      sasl_seterror(conn, 0, "group lookup for %s failed", authid.c_str());
      return SASL_FAIL;
    }
    if (session->policy_.MayActAs(authid, *groups, authzid)) return SASL_OK;
    sasl_seterror(conn, 0, "user %s is not allowed to proxy", authid.c_str());
    return SASL_BADAUTH;
  }

  // SASL_CB_CANON_USER: runs before libsasl2's own canonicalisation (which
  // adds the realm for the password lookup).
  static int CanonUser(sasl_conn_t* conn, void* context, const char* in, unsigned inlen,
                       unsigned /*flags*/, const char* /*user_realm*/, char* out, unsigned out_max,
                       unsigned* out_len) {
    auto* session = static_cast<AuthSession*>(context);
    std::string canonical =
        session->policy_.CanonicalUser(std::string_view(in, inlen ? inlen : strlen(in)));
    if (canonical.empty()) {
      sasl_seterror(conn, 0, "bad userid authenticated");
      return SASL_BADAUTH;
    }
    if (canonical.size() >= out_max) {
      sasl_seterror(conn, 0, "buffer overflow while canonicalizing");
      return SASL_BUFOVER;
    }
    memmove(out, canonical.data(), canonical.size());  // `out` may alias `in`
    out[canonical.size()] = '\0';
    *out_len = static_cast<unsigned>(canonical.size());
    return SASL_OK;
  }
};

Code CodeForSasl(int result) {
  switch (result) {
    case SASL_BADAUTH:
    case SASL_NOUSER:
    case SASL_NOVERIFY:
    case SASL_NOAUTHZ:
    case SASL_EXPIRED:
    case SASL_DISABLED:
    case SASL_WEAKPASS:
    case SASL_NOUSERPASS:
    case SASL_TRANS:
    case SASL_BADVERS:
      return Code::kNoPermission;
    case SASL_BADPROT:
    case SASL_BADPARAM:
    case SASL_BADSERV:
    case SASL_BUFOVER:
      return Code::kInvalid;
    case SASL_NOMECH:
    case SASL_TOOWEAK:
    case SASL_ENCRYPT:
      return Code::kUnsupported;
    case SASL_TRYAGAIN:
    case SASL_UNAVAIL:
      return Code::kTempFail;
    default:
      return Code::kInternal;
  }
}

std::string GetStringProperty(sasl_conn_t* conn, int property) {
  const void* value = nullptr;
  if (sasl_getprop(conn, property, &value) != SASL_OK || value == nullptr) return "";
  return static_cast<const char*>(value);
}

AuthSession::AuthSession(SessionOptions options, AuthPolicy policy, GroupResolver* groups)
    : options_(std::move(options)), policy_(std::move(policy)), groups_(groups) {}

AuthSession::~AuthSession() {
  sasl_.reset();  // sasl_dispose() before libsasl2 may be released
  internal::CloseSession();
}

Result<std::unique_ptr<AuthSession>> AuthSession::Create(SessionOptions options,
                                                         GroupResolver* groups) {
  CHECK(groups != nullptr);
  SATRAP_RETURN_IF_ERROR(internal::OpenSession());
  AuthPolicy policy = AuthPolicy::FromConfig(CurrentConfig(), options.service);
  std::unique_ptr<AuthSession> session(
      new AuthSession(std::move(options), std::move(policy), groups));
  SATRAP_RETURN_IF_ERROR(session->Open());
  return session;
}

// (Re)creates the libsasl2 connection: at start, and after every failure so
// that no mechanism state survives a failed exchange (as Cyrus's
// reset_saslconn does).
Status AuthSession::Open() {
  sasl_ = std::make_unique<Sasl>();
  sasl_->callbacks[0] = {SASL_CB_PROXY_POLICY,
                         SaslFunction(&SaslCallbacks::ProxyPolicy), this};
  sasl_->callbacks[1] = {SASL_CB_CANON_USER, SaslFunction(&SaslCallbacks::CanonUser),
                         this};
  sasl_->callbacks[2] = {SASL_CB_LIST_END, nullptr, nullptr};
  const char* local = options_.local_address.empty() ? nullptr : options_.local_address.c_str();
  const char* remote = options_.remote_address.empty() ? nullptr : options_.remote_address.c_str();
  int result = sasl_server_new(options_.sasl_service.c_str(), policy_.server_name.c_str(),
                               /*user_realm=*/nullptr, local, remote, sasl_->callbacks,
                               options_.success_data ? SASL_SUCCESS_DATA : 0, &sasl_->conn);
  if (result != SASL_OK) {
    sasl_->conn = nullptr;
    return Status::Internal(StringPrintf("sasl_server_new(%s): %s", options_.sasl_service.c_str(),
                                         sasl_errstring(result, nullptr, nullptr)));
  }
  in_exchange_ = false;
  return ApplyProperties();
}

// Security properties: no SASL layer ever (max_ssf 0, maxbufsize 0); plaintext
// and anonymous mechanisms hidden unless the policy allows them. libsasl2
// itself lifts NOPLAINTEXT once the external SSF exceeds 1.
Status AuthSession::ApplyProperties() {
  sasl_security_properties_t props{};
  props.min_ssf = 0;
  props.max_ssf = 0;
  props.maxbufsize = 0;
  if (!policy_.allow_plaintext) props.security_flags |= SASL_SEC_NOPLAINTEXT;
  if (!policy_.allow_anonymous) props.security_flags |= SASL_SEC_NOANONYMOUS;
  int result = sasl_setprop(sasl_->conn, SASL_SEC_PROPS, &props);
  sasl_ssf_t ssf = ssf_;
  if (result == SASL_OK) result = sasl_setprop(sasl_->conn, SASL_SSF_EXTERNAL, &ssf);
  if (result == SASL_OK && !external_id_.empty()) {
    result = sasl_setprop(sasl_->conn, SASL_AUTH_EXTERNAL, external_id_.c_str());
  }
  if (result != SASL_OK) {
    return Status::Internal(StringPrintf("sasl_setprop: %s", sasl_errdetail(sasl_->conn)));
  }
  return Status::Ok();
}

Status AuthSession::SetSecureChannel(unsigned ssf, std::string_view external_id) {
  ssf_ = ssf;
  external_id_ = std::string(external_id);
  if (sasl_ == nullptr || sasl_->conn == nullptr) return Open();
  return ApplyProperties();
}

std::vector<std::string> AuthSession::Mechanisms() {
  std::vector<std::string> mechanisms;
  if (!policy_.LayerSufficient(ssf_) || sasl_ == nullptr || sasl_->conn == nullptr) {
    return mechanisms;
  }
  const char* list = nullptr;
  unsigned length = 0;
  int count = 0;
  if (sasl_listmech(sasl_->conn, nullptr, "", " ", "", &list, &length, &count) != SASL_OK) {
    return mechanisms;  // SASL_NOMECH: nothing is permitted on this channel
  }
  for (std::string_view name : SplitWhitespace(std::string_view(list, length))) {
    if (policy_.MechanismListed(name)) mechanisms.emplace_back(name);
  }
  return mechanisms;
}

AuthStep AuthSession::Start(std::string_view mechanism,
                            std::optional<std::string_view> initial_response) {
  if (authenticated_) return AuthStep{AuthStep::State::kFail, "", Status::Invalid("already authenticated")};
  if (in_exchange_) Cancel();
  if (sasl_ == nullptr || sasl_->conn == nullptr) {
    Status reopened = Open();
    if (!reopened.ok()) return AuthStep{AuthStep::State::kFail, "", reopened};
  }
  mechanism_ = AsciiUpper(mechanism);
  std::vector<std::string> offered = Mechanisms();
  if (std::find(offered.begin(), offered.end(), mechanism_) == offered.end()) {
    return Fail(Status::Unsupported(
        StringPrintf("mechanism %s is not offered on this connection", mechanism_.c_str())));
  }
  callback_status_ = Status::Ok();
  const char* out = nullptr;
  unsigned out_length = 0;
  // libsasl2 tells "no initial response" (nullptr) from an empty one ("").
  const char* in = initial_response ? (initial_response->empty() ? "" : initial_response->data())
                                    : nullptr;
  unsigned in_length = initial_response ? static_cast<unsigned>(initial_response->size()) : 0;
  int result = sasl_server_start(sasl_->conn, mechanism_.c_str(), in, in_length, &out, &out_length);
  return Exchange(result, out, out_length);
}

AuthStep AuthSession::Step(std::string_view response) {
  if (!in_exchange_) {
    return AuthStep{AuthStep::State::kFail, "", Status::Invalid("no authentication in progress")};
  }
  callback_status_ = Status::Ok();
  const char* out = nullptr;
  unsigned out_length = 0;
  int result = sasl_server_step(sasl_->conn, response.empty() ? "" : response.data(),
                                static_cast<unsigned>(response.size()), &out, &out_length);
  return Exchange(result, out, out_length);
}

void AuthSession::Cancel() {
  if (!in_exchange_) return;
  Status reopened = Open();
  if (!reopened.ok()) log::Error("%s", reopened.ToString().c_str());
}

AuthStep AuthSession::Exchange(int result, const char* out, unsigned out_length) {
  // `out` is only meaningful on success or continue: after a failure a
  // mechanism may already have freed the buffer it points into.
  if (result != SASL_OK && result != SASL_CONTINUE) return Fail(FailStatus(result, mechanism_));
  std::string data = out != nullptr ? std::string(out, out_length) : std::string();
  if (result == SASL_CONTINUE) {
    in_exchange_ = true;
    return AuthStep{AuthStep::State::kContinue, std::move(data), Status::Ok()};
  }
  in_exchange_ = false;
  Result<Authenticated> done =
      Complete(GetStringProperty(sasl_->conn, SASL_AUTHUSER),
               GetStringProperty(sasl_->conn, SASL_USERNAME), mechanism_);
  if (!done.ok()) return Fail(done.status());
  authenticated_ = std::move(done).value();
  return AuthStep{AuthStep::State::kDone, std::move(data), Status::Ok()};
}

AuthStep AuthSession::Fail(Status status) {
  ++failures_;
  Status reopened = Open();
  if (!reopened.ok()) log::Error("%s", reopened.ToString().c_str());
  return AuthStep{AuthStep::State::kFail, "", std::move(status)};
}

// Maps a libsasl2 result to a Status whose message is libsasl2's detail
// (what Cyrus logs in its badlogin lines).
Status AuthSession::FailStatus(int result, std::string_view what) {
  if (!callback_status_.ok()) return callback_status_;
  const char* detail = sasl_->conn ? sasl_errdetail(sasl_->conn) : nullptr;
  std::string message = detail ? detail : sasl_errstring(result, nullptr, nullptr);
  return Status::Error(CodeForSasl(result), std::move(message));
}

Result<Authenticated> AuthSession::Complete(std::string authid, std::string userid,
                                            std::string mechanism) {
  if (userid.empty()) return Status::Internal("SASL reported success without a user name");
  if (authid.empty()) authid = userid;
  Authenticated who;
  who.authid = std::move(authid);
  who.userid = std::move(userid);
  who.mechanism = std::move(mechanism);
  if (IsAnonymousUser(who.userid)) {
    if (!policy_.allow_anonymous) return Status::NoPermission("anonymous login refused");
    who.identity.userid = std::string(kAnonymousUser);
    who.identity.anonymous = true;
    return who;
  }
  who.identity.userid = who.userid;
  if (policy_.AdminsNameGroups()) {
    SATRAP_ASSIGN_OR_RETURN(std::vector<std::string> groups, groups_->GroupsOf(who.userid));
    who.identity.is_admin = policy_.IsAdmin(who.userid, groups);
    who.identity.groups = std::move(groups);
    return who;
  }
  // Looked up when an ACL first names a group (acl/identity.h); the
  // resolver lives as long as the server, beyond this AuthSession.
  who.identity.is_admin = policy_.IsAdmin(who.userid, {});
  who.identity.group_lookup = std::make_shared<acl::GroupLookup>(
      [resolver = groups_, userid = who.userid]() -> Result<std::vector<std::string>> {
        Result<std::vector<std::string>> groups = resolver->GroupsOf(userid);
        if (!groups.ok()) {
          log::Error("groups of %s: %s", userid.c_str(), groups.status().ToString().c_str());
        }
        return groups;
      });
  return who;
}

void AuthSession::PauseAfterFailure() const {
  std::chrono::seconds delay = FailureDelay();
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
}

}  // namespace satrap::auth
