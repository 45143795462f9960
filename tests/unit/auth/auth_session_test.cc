// AuthSession over a real libsasl2 with a real sasldb, driven by a real
// libsasl2 client. RFC 4422 (SASL) and the mechanism RFCs: 4616 (PLAIN),
// 2195 (CRAM-MD5), 2831 (DIGEST-MD5), 5802/7677 (SCRAM), 4505 (ANONYMOUS).
#include "auth/auth_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "auth/sasl_init.h"
#include "base/base64.h"
#include "base/file.h"
#include "base/strings.h"
#include "sasl_fixture.h"

namespace satrap::auth {
namespace {

using testing::Credentials;
using testing::PasswordOf;
using testing::RunClient;
using testing::TableGroupResolver;
using testing::UseConfig;
using State = AuthStep::State;

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class AuthSessionTest : public ::testing::Test {
 protected:
  std::unique_ptr<AuthSession> NewSession(bool success_data = false) {
    SessionOptions options;
    options.service = "imap";
    options.sasl_service = "imap";
    options.local_address = "127.0.0.1;143";
    options.remote_address = "127.0.0.1;40000";
    options.success_data = success_data;
    Result<std::unique_ptr<AuthSession>> session = AuthSession::Create(options, &groups_);
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    return session.ok() ? std::move(session).value() : nullptr;
  }
  std::unique_ptr<AuthSession> SecureSession(bool success_data = false) {
    auto session = NewSession(success_data);
    EXPECT_TRUE(session->SetSecureChannel(256).ok());
    return session;
  }

  TableGroupResolver groups_;
};

// The mechanisms every Debian libsasl2-modules install offers; a missing one
// means the test environment (or our filtering) is broken.
const char* const kExpectedMechanisms[] = {"PLAIN",       "LOGIN",       "CRAM-MD5",
                                           "DIGEST-MD5",  "SCRAM-SHA-1", "SCRAM-SHA-256"};

// Every password mechanism both sides have, with and without success data.
std::vector<std::string> PasswordMechanisms(AuthSession& session) {
  std::vector<std::string> client = testing::ClientMechanisms();
  std::vector<std::string> usable;
  for (const std::string& mech : session.Mechanisms()) {
    if (mech == "ANONYMOUS" || mech == "EXTERNAL" || mech == "GSSAPI" || mech == "GS2-KRB5") continue;
    if (Contains(client, mech)) usable.push_back(mech);
  }
  return usable;
}

TEST_F(AuthSessionTest, EveryMechanismAuthenticatesAlice) {
  UseConfig("allowplaintext: yes\n");
  auto probe = SecureSession();
  std::vector<std::string> mechanisms = PasswordMechanisms(*probe);
  for (const char* expected : kExpectedMechanisms) EXPECT_TRUE(Contains(mechanisms, expected)) << expected;
  ::testing::Test::RecordProperty("mechanisms", Join(mechanisms, " "));
  for (bool success_data : {false, true}) {
    for (const std::string& mech : mechanisms) {
      SCOPED_TRACE(mech + (success_data ? " with success data" : " without success data"));
      auto session = SecureSession(success_data);
      testing::ClientRun run = RunClient(*session, mech, {"alice", PasswordOf("alice"), ""});
      ASSERT_EQ(run.last.state, State::kDone) << run.last.status.ToString() << run.client_error;
      EXPECT_TRUE(run.client_verified) << run.client_error;
      ASSERT_NE(session->authenticated(), nullptr);
      EXPECT_EQ(session->authenticated()->userid, "alice");
      EXPECT_EQ(session->authenticated()->authid, "alice");
      EXPECT_EQ(session->authenticated()->mechanism, mech);
      EXPECT_EQ(session->authenticated()->identity.userid, "alice");
      EXPECT_FALSE(session->authenticated()->identity.is_admin);
      EXPECT_FALSE(session->authenticated()->identity.anonymous);
      EXPECT_EQ(session->failures(), 0);
    }
  }
}

TEST_F(AuthSessionTest, WrongPasswordAndUnknownUserFailAlike) {
  UseConfig("allowplaintext: yes\n");
  auto probe = SecureSession();
  for (const std::string& mech : PasswordMechanisms(*probe)) {
    SCOPED_TRACE(mech);
    for (const Credentials& bad : {Credentials{"alice", "wrong", ""}, Credentials{"nobody", "x", ""}}) {
      SCOPED_TRACE(bad.authid);
      auto session = SecureSession();
      testing::ClientRun run = RunClient(*session, mech, bad);
      ASSERT_EQ(run.last.state, State::kFail);
      EXPECT_EQ(run.last.status.code(), Code::kNoPermission) << run.last.status.ToString();
      EXPECT_FALSE(run.last.status.message().empty());
      EXPECT_EQ(session->authenticated(), nullptr);
      EXPECT_EQ(session->failures(), 1);
    }
  }
}

// RFC 3501 section 6.2.2: without SASL-IR the client's first PLAIN message
// answers an empty challenge.
TEST_F(AuthSessionTest, PlainWithoutInitialResponse) {
  UseConfig("allowplaintext: yes\n");
  auto session = NewSession();
  testing::ClientRun run = RunClient(*session, "PLAIN", {"bob", PasswordOf("bob"), ""},
                                     /*initial_response=*/false);
  ASSERT_EQ(run.last.state, State::kDone) << run.last.status.ToString();
  EXPECT_EQ(run.rounds, 1);
  EXPECT_EQ(session->authenticated()->userid, "bob");
}

TEST_F(AuthSessionTest, PlaintextMechanismsNeedEncryptionUnlessAllowed) {
  UseConfig("allowplaintext: no\n");
  auto session = NewSession();
  std::vector<std::string> clear = session->Mechanisms();
  EXPECT_FALSE(Contains(clear, "PLAIN"));
  EXPECT_FALSE(Contains(clear, "LOGIN"));
  EXPECT_TRUE(Contains(clear, "SCRAM-SHA-256"));
  EXPECT_FALSE(session->PlaintextAllowed());
  AuthStep refused = session->Start("PLAIN", std::string("\0alice\0alice-secret", 19));
  EXPECT_EQ(refused.state, State::kFail);
  EXPECT_EQ(refused.status.code(), Code::kUnsupported);

  ASSERT_TRUE(session->SetSecureChannel(256).ok());
  EXPECT_TRUE(Contains(session->Mechanisms(), "PLAIN"));
  EXPECT_TRUE(Contains(session->Mechanisms(), "LOGIN"));
  EXPECT_TRUE(session->PlaintextAllowed());
  testing::ClientRun run = RunClient(*session, "PLAIN", {"alice", PasswordOf("alice"), ""});
  EXPECT_EQ(run.last.state, State::kDone) << run.last.status.ToString();

  UseConfig("allowplaintext: yes\n");
  auto allowed = NewSession();
  EXPECT_TRUE(Contains(allowed->Mechanisms(), "PLAIN"));
  EXPECT_TRUE(allowed->PlaintextAllowed());
}

TEST_F(AuthSessionTest, MechListLimitsWhatIsOffered) {
  UseConfig("allowplaintext: yes\nsasl_mech_list: plain SCRAM-SHA-256\n");
  auto session = SecureSession();
  std::vector<std::string> offered = session->Mechanisms();
  std::sort(offered.begin(), offered.end());
  EXPECT_EQ(offered, (std::vector<std::string>{"PLAIN", "SCRAM-SHA-256"}));
  AuthStep refused = session->Start("CRAM-MD5", std::nullopt);
  EXPECT_EQ(refused.state, State::kFail);
  EXPECT_EQ(refused.status.code(), Code::kUnsupported);
  EXPECT_EQ(RunClient(*session, "SCRAM-SHA-256", {"alice", PasswordOf("alice"), ""}).last.state,
            State::kDone);
}

TEST_F(AuthSessionTest, UnknownMechanismIsUnsupported) {
  UseConfig("allowplaintext: yes\n");
  auto session = SecureSession();
  for (const char* mech : {"X-UNKNOWN", "", "PLAIN PLAIN", "plain\r\n"}) {
    SCOPED_TRACE(mech);
    AuthStep step = session->Start(mech, std::nullopt);
    EXPECT_EQ(step.state, State::kFail);
    EXPECT_EQ(step.status.code(), Code::kUnsupported);
  }
  EXPECT_EQ(session->failures(), 4);
  // Mechanism names are case-insensitive (RFC 4422 section 3.1).
  EXPECT_EQ(RunClient(*session, "plain", {"alice", PasswordOf("alice"), ""}).last.state, State::kDone);
}

TEST_F(AuthSessionTest, MinimumLayerRefusesClearChannels) {
  UseConfig("allowplaintext: yes\nsasl_minimum_layer: 128\n");
  auto session = NewSession();
  EXPECT_TRUE(session->Mechanisms().empty());
  EXPECT_FALSE(session->PlaintextAllowed());
  EXPECT_EQ(session->CheckPlaintext("alice", PasswordOf("alice")).code(), Code::kNoPermission);
  ASSERT_TRUE(session->SetSecureChannel(256).ok());
  EXPECT_TRUE(Contains(session->Mechanisms(), "SCRAM-SHA-256"));
  EXPECT_EQ(RunClient(*session, "DIGEST-MD5", {"alice", PasswordOf("alice"), ""}).last.state,
            State::kDone);
}

// RFC 4616 section 2: message = [authzid] UTF8NUL authcid UTF8NUL passwd.
TEST_F(AuthSessionTest, MalformedClientMessagesAreInvalid) {
  UseConfig("allowplaintext: yes\n");
  struct Case {
    const char* mech;
    std::string message;
  } cases[] = {
      {"PLAIN", ""},  // RFC 4959 "=": present but empty
      {"PLAIN", "no-nul-at-all"},
      {"PLAIN", std::string("\0\0", 2)},
      {"PLAIN", std::string(70000, 'a')},
      {"PLAIN", std::string("\0alice", 6)},
      {"SCRAM-SHA-256", "garbage"},
      {"SCRAM-SHA-1", "x,,n=alice,r=abc"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mech + std::string(" ") + Base64Encode(c.message));
    auto session = SecureSession();
    AuthStep step = session->Start(c.mech, c.message);
    ASSERT_EQ(step.state, State::kFail);
    EXPECT_TRUE(step.status.code() == Code::kInvalid || step.status.code() == Code::kNoPermission)
        << step.status.ToString();
    EXPECT_EQ(session->failures(), 1);
  }
  // What a protocol does with a response that is not base64 at all.
  Result<std::string> decoded = Base64Decode("%%not base64%%");
  EXPECT_EQ(decoded.code(), Code::kInvalid);
}

TEST_F(AuthSessionTest, GarbageMidExchangeFailsAndResets) {
  UseConfig("allowplaintext: yes\n");
  auto session = SecureSession();
  AuthStep first = session->Start("CRAM-MD5", std::nullopt);
  ASSERT_EQ(first.state, State::kContinue);
  EXPECT_FALSE(first.data.empty());  // RFC 2195: the server speaks first
  AuthStep second = session->Step("alice not-a-digest");
  EXPECT_EQ(second.state, State::kFail);
  EXPECT_EQ(session->failures(), 1);
  // A step with no exchange in progress is a protocol error, not a login failure.
  AuthStep stray = session->Step("anything");
  EXPECT_EQ(stray.state, State::kFail);
  EXPECT_EQ(stray.status.code(), Code::kInvalid);
  EXPECT_EQ(session->failures(), 1);
  // The session is usable again.
  EXPECT_EQ(RunClient(*session, "CRAM-MD5", {"alice", PasswordOf("alice"), ""}).last.state,
            State::kDone);
}

TEST_F(AuthSessionTest, CancelDropsTheExchange) {
  UseConfig("allowplaintext: yes\n");
  auto session = SecureSession();
  ASSERT_EQ(session->Start("DIGEST-MD5", std::nullopt).state, State::kContinue);
  session->Cancel();
  EXPECT_EQ(session->failures(), 0);
  EXPECT_EQ(session->Step("x").status.code(), Code::kInvalid);
  EXPECT_EQ(RunClient(*session, "DIGEST-MD5", {"bob", PasswordOf("bob"), ""}).last.state,
            State::kDone);
  // Once in, a second login is refused without counting as a failure.
  EXPECT_EQ(session->Start("PLAIN", std::nullopt).status.code(), Code::kInvalid);
  EXPECT_EQ(session->failures(), 0);
}

// RFC 4422 section 3.4.1: an authorization identity different from the
// authentication identity is allowed only by policy (admins, proxyservers).
TEST_F(AuthSessionTest, OnlyAdminsAndProxyServersActAsOthers) {
  UseConfig("allowplaintext: yes\nadmins: admin\nproxyservers: proxy\n");
  for (const char* mech : {"PLAIN", "DIGEST-MD5", "SCRAM-SHA-256"}) {
    SCOPED_TRACE(mech);
    auto refused = SecureSession();
    testing::ClientRun run = RunClient(*refused, mech, {"alice", PasswordOf("alice"), "bob"});
    EXPECT_EQ(run.last.state, State::kFail);
    EXPECT_EQ(run.last.status.code(), Code::kNoPermission) << run.last.status.ToString();

    for (const char* actor : {"admin", "proxy"}) {
      SCOPED_TRACE(actor);
      auto session = SecureSession();
      run = RunClient(*session, mech, {actor, PasswordOf(actor), "bob"});
      ASSERT_EQ(run.last.state, State::kDone) << run.last.status.ToString();
      EXPECT_EQ(session->authenticated()->authid, actor);
      EXPECT_EQ(session->authenticated()->userid, "bob");
      EXPECT_EQ(session->authenticated()->identity.userid, "bob");
      EXPECT_FALSE(session->authenticated()->identity.is_admin);  // bob is not an admin
    }
  }
  auto self = SecureSession();
  ASSERT_EQ(RunClient(*self, "PLAIN", {"admin", PasswordOf("admin"), "admin"}).last.state, State::kDone);
  EXPECT_TRUE(self->authenticated()->identity.is_admin);
}

// Cyrus: a user@realm from another realm logs in only if loginrealms lists it.
TEST_F(AuthSessionTest, CrossRealmLoginNeedsLoginRealms) {
  ASSERT_TRUE(testing::AddSasldbUser("carol", "carol-secret", "other.test"));
  for (const char* mech : {"PLAIN", "SCRAM-SHA-256"}) {
    SCOPED_TRACE(mech);
    UseConfig("allowplaintext: yes\n");
    auto refused = SecureSession();
    testing::ClientRun run = RunClient(*refused, mech, {"carol@other.test", "carol-secret", ""});
    EXPECT_EQ(run.last.state, State::kFail);
    EXPECT_EQ(run.last.status.code(), Code::kNoPermission) << run.last.status.ToString();

    UseConfig("allowplaintext: yes\nloginrealms: other.test\n");
    auto session = SecureSession();
    run = RunClient(*session, mech, {"carol@other.test", "carol-secret", ""});
    ASSERT_EQ(run.last.state, State::kDone) << run.last.status.ToString();
    EXPECT_EQ(session->authenticated()->userid, "carol@other.test");
    // The realm is part of the user: carol@mail.test does not exist.
    auto local = SecureSession();
    EXPECT_EQ(RunClient(*local, mech, {"carol", "carol-secret", ""}).last.state, State::kFail);
  }
  UseConfig("allowplaintext: yes\n");
  auto plaintext = SecureSession();
  EXPECT_EQ(plaintext->CheckPlaintext("carol@other.test", "carol-secret").code(), Code::kNoPermission);
}

TEST_F(AuthSessionTest, GroupsAndGroupAdmins) {
  UseConfig("allowplaintext: yes\nadmins: group:wheel\nimap_admins: group:imapstaff\n");
  groups_.Set("alice", {"imapstaff", "users"});
  groups_.Set("bob", {"wheel"});
  auto session = SecureSession();
  ASSERT_EQ(RunClient(*session, "SCRAM-SHA-1", {"alice", PasswordOf("alice"), ""}).last.state,
            State::kDone);
  // imap_admins overrides admins for the imap service.
  EXPECT_TRUE(session->authenticated()->identity.is_admin);
  EXPECT_EQ(session->authenticated()->identity.groups,
            (std::vector<std::string>{"imapstaff", "users"}));
  auto other = SecureSession();
  ASSERT_EQ(RunClient(*other, "SCRAM-SHA-1", {"bob", PasswordOf("bob"), ""}).last.state, State::kDone);
  EXPECT_FALSE(other->authenticated()->identity.is_admin);
}

// When admins names a group, the groups decide the login itself.
TEST_F(AuthSessionTest, GroupLookupFailureRefusesLoginWhenAdminsNameGroups) {
  UseConfig("allowplaintext: yes\nadmins: admin group:wheel\n");
  groups_.FailFor("alice");
  auto session = SecureSession();
  testing::ClientRun run = RunClient(*session, "PLAIN", {"alice", PasswordOf("alice"), ""});
  EXPECT_EQ(run.last.state, State::kFail);
  EXPECT_EQ(run.last.status.code(), Code::kTempFail);
  // The same when the failing lookup is the proxy check's.
  groups_.FailFor("admin");
  auto proxy = SecureSession();
  run = RunClient(*proxy, "PLAIN", {"admin", PasswordOf("admin"), "bob"});
  EXPECT_EQ(run.last.state, State::kFail);
  EXPECT_EQ(run.last.status.code(), Code::kTempFail) << run.last.status.ToString();
}

// Otherwise a user's groups are looked up when an ACL first names one (no
// NSS modules loaded for the many sessions that never meet such an ACL),
// once per session; and an ACL naming a group grants nothing when the
// lookup fails, so a negative group right is never ignored.
TEST_F(AuthSessionTest, GroupsAreLookedUpWhenAnAclFirstNamesOne) {
  UseConfig("allowplaintext: yes\nadmins: admin\n");
  groups_.Set("alice", {"staff"});
  auto session = SecureSession();
  ASSERT_EQ(RunClient(*session, "PLAIN", {"alice", PasswordOf("alice"), ""}).last.state,
            State::kDone);
  const acl::Identity alice = session->authenticated()->identity;
  EXPECT_EQ(groups_.lookups(), 0);
  const acl::Acl own = *acl::Acl::Parse("alice\tlrs\t");
  EXPECT_EQ(acl::FormatRights(acl::Evaluate(own, alice)), "lrs");
  EXPECT_EQ(groups_.lookups(), 0);
  const acl::Acl staff = *acl::Acl::Parse("alice\tlrs\tgroup:staff\tw\t");
  EXPECT_EQ(acl::FormatRights(acl::Evaluate(staff, alice)), "lrsw");
  EXPECT_EQ(acl::FormatRights(acl::Evaluate(staff, alice)), "lrsw");
  EXPECT_EQ(groups_.lookups(), 1);

  groups_.FailFor("bob");
  auto failing = SecureSession();
  ASSERT_EQ(RunClient(*failing, "PLAIN", {"bob", PasswordOf("bob"), ""}).last.state,
            State::kDone);
  const acl::Identity bob = failing->authenticated()->identity;
  const acl::Acl denied = *acl::Acl::Parse("bob\tlrs\t-group:staff\ts\t");
  EXPECT_EQ(acl::FormatRights(acl::Evaluate(denied, bob)), "");
  EXPECT_EQ(acl::FormatRights(acl::Evaluate(*acl::Acl::Parse("bob\tlrs\t"), bob)), "lrs");
}

// An idle worker gives libsasl2 back (sasl_done) once no AuthSession is
// open; never from under an open one; the next session starts it again.
TEST_F(AuthSessionTest, LibsaslIsReleasedOnlyWhenUnusedAndStartsAgain) {
  UseConfig("allowplaintext: yes\n");
  auto open = SecureSession();
  ReleaseWhileUnused();  // refused: `open` still needs it
  ASSERT_EQ(RunClient(*open, "PLAIN", {"alice", PasswordOf("alice"), ""}).last.state,
            State::kDone);
  open.reset();
  for (int round = 0; round < 3; ++round) {
    ReleaseWhileUnused();
    testing::ClientEndedBySaslDone();
    auto again = SecureSession();
    EXPECT_TRUE(Contains(again->Mechanisms(), "SCRAM-SHA-1")) << round;
    ASSERT_EQ(RunClient(*again, "SCRAM-SHA-1", {"bob", PasswordOf("bob"), ""}).last.state,
              State::kDone)
        << round;
    auto plaintext = SecureSession();
    Result<Authenticated> plain = plaintext->CheckPlaintext("alice", PasswordOf("alice"));
    EXPECT_TRUE(plain.ok()) << round << " " << plain.status().ToString();
  }
}

// Plugin libraries of libsasl2 mapped into this process.
int MappedSaslPlugins() {
  std::string maps = ReadFile("/proc/self/maps").value();
  int n = 0;
  for (size_t at = maps.find("/sasl2/lib"); at != std::string::npos;
       at = maps.find("/sasl2/lib", at + 1)) {
    ++n;
  }
  return n;
}

// What the release is for: the plugins (and what they load) leave the
// process, and come back with the next session.
TEST_F(AuthSessionTest, ReleaseUnloadsThePluginsUntilTheNextSession) {
  UseConfig("allowplaintext: yes\n");
  SecureSession().reset();
  ASSERT_GT(MappedSaslPlugins(), 0);
  ReleaseWhileUnused();
  testing::ClientEndedBySaslDone();
  EXPECT_EQ(MappedSaslPlugins(), 0);
  auto again = SecureSession();
  EXPECT_GT(MappedSaslPlugins(), 0);
}

// RFC 4505: ANONYMOUS only when allowanonymouslogin says so.
TEST_F(AuthSessionTest, AnonymousMechanismFollowsConfig) {
  UseConfig("allowplaintext: yes\nallowanonymouslogin: no\n");
  auto refused = SecureSession();
  EXPECT_FALSE(Contains(refused->Mechanisms(), "ANONYMOUS"));
  EXPECT_EQ(refused->Start("ANONYMOUS", std::string("trace")).status.code(), Code::kUnsupported);

  UseConfig("allowplaintext: yes\nallowanonymouslogin: yes\n");
  auto session = SecureSession();
  ASSERT_TRUE(Contains(session->Mechanisms(), "ANONYMOUS"));
  testing::ClientRun run = RunClient(*session, "ANONYMOUS", {"someone@example.com", "", ""});
  ASSERT_EQ(run.last.state, State::kDone) << run.last.status.ToString();
  EXPECT_EQ(session->authenticated()->userid, "anonymous");
  EXPECT_TRUE(session->authenticated()->identity.anonymous);
  EXPECT_FALSE(session->authenticated()->identity.is_admin);
  EXPECT_TRUE(session->authenticated()->identity.groups.empty());
}

TEST_F(AuthSessionTest, FailuresCountAndPausesGrow) {
  UseConfig("allowplaintext: yes\nfailedloginpause: 2\n");
  auto session = SecureSession();
  EXPECT_EQ(session->FailureDelay().count(), 0);
  for (int i = 1; i <= 7; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(RunClient(*session, "PLAIN", {"alice", "wrong", ""}).last.state, State::kFail);
    EXPECT_EQ(session->failures(), i);
    EXPECT_EQ(session->FailureDelay().count(), 2 * std::min(i, kMaxPauseMultiple));
  }
}

TEST_F(AuthSessionTest, SecureChannelWithExternalIdentityOffersExternal) {
  UseConfig("");
  auto session = NewSession();
  EXPECT_FALSE(Contains(session->Mechanisms(), "EXTERNAL"));
  ASSERT_TRUE(session->SetSecureChannel(256, "alice").ok());
  EXPECT_TRUE(Contains(session->Mechanisms(), "EXTERNAL"));
  EXPECT_EQ(session->channel_ssf(), 256u);
}

}  // namespace
}  // namespace satrap::auth
