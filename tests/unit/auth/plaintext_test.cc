// AuthSession's logins outside SASL: IMAP LOGIN / POP3 USER+PASS
// (CheckPlaintext, through sasl_checkpass) and POP3 APOP (RFC 1939 section 7,
// through sasl_checkapop), against the real test sasldb.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "auth/auth_session.h"
#include "sasl_fixture.h"

namespace satrap::auth {
namespace {

using testing::PasswordOf;
using testing::TableGroupResolver;
using testing::UseConfig;

// RFC 1939: digest = MD5(timestamp-banner + shared secret), lower-case hex.
std::string ApopDigest(std::string_view challenge, std::string_view secret) {
  std::string input = std::string(challenge) + std::string(secret);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_md5(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    static const char kHex[] = "0123456789abcdef";
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

class PlaintextTest : public ::testing::Test {
 protected:
  std::unique_ptr<AuthSession> NewSession(unsigned ssf) {
    SessionOptions options;
    options.service = "pop3";
    options.sasl_service = "pop";
    Result<std::unique_ptr<AuthSession>> session = AuthSession::Create(options, &groups_);
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    if (ssf > 0) {
      EXPECT_TRUE((*session)->SetSecureChannel(ssf).ok());
    }
    return std::move(session).value();
  }

  TableGroupResolver groups_;
};

TEST_F(PlaintextTest, ChecksPasswords) {
  UseConfig("allowplaintext: no\nadmins: admin\n");
  struct Case {
    const char* user;
    std::string password;
    Code want;
    const char* userid;
  } cases[] = {
      {"alice", PasswordOf("alice"), Code::kOk, "alice"},
      {"ALICE", PasswordOf("alice"), Code::kOk, "alice"},  // username_tolower
      {"alice", "wrong", Code::kNoPermission, ""},
      {"alice", "", Code::kNoPermission, ""},
      {"alice", PasswordOf("alice") + "x", Code::kNoPermission, ""},
      {"nobody", "nobody-secret", Code::kNoPermission, ""},  // unknown: same answer
      {"", "x", Code::kNoPermission, ""},
      {"ali\nce", PasswordOf("alice"), Code::kNoPermission, ""},
      {"admin", PasswordOf("admin"), Code::kOk, "admin"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.user);
    auto session = NewSession(256);
    Result<Authenticated> who = session->CheckPlaintext(c.user, c.password);
    ASSERT_EQ(who.code(), c.want) << who.status().ToString();
    if (c.want != Code::kOk) {
      EXPECT_EQ(session->failures(), 1);
      EXPECT_EQ(session->authenticated(), nullptr);
      continue;
    }
    EXPECT_EQ(who->userid, c.userid);
    EXPECT_EQ(who->mechanism, "plaintext");
    EXPECT_EQ(who->identity.is_admin, std::string(c.userid) == "admin");
    ASSERT_NE(session->authenticated(), nullptr);
    EXPECT_EQ(session->authenticated()->userid, c.userid);
  }
}

TEST_F(PlaintextTest, RefusedOnClearChannelUnlessAllowed) {
  UseConfig("allowplaintext: no\n");
  auto clear = NewSession(0);
  EXPECT_FALSE(clear->PlaintextAllowed());
  EXPECT_EQ(clear->CheckPlaintext("alice", PasswordOf("alice")).code(), Code::kNoPermission);
  auto local_socket = NewSession(2);  // lmtpd over a unix socket, as Cyrus sets it
  EXPECT_TRUE(local_socket->CheckPlaintext("alice", PasswordOf("alice")).ok());

  UseConfig("allowplaintext: yes\n");
  auto allowed = NewSession(0);
  EXPECT_TRUE(allowed->PlaintextAllowed());
  EXPECT_TRUE(allowed->CheckPlaintext("alice", PasswordOf("alice")).ok());
}

TEST_F(PlaintextTest, AuthorizationIdentity) {
  UseConfig("allowplaintext: yes\nadmins: admin\n");
  struct Case {
    const char* user;
    const char* authzid;
    Code want;
    const char* userid;
  } cases[] = {
      {"alice", "", Code::kOk, "alice"},
      {"alice", "alice", Code::kOk, "alice"},
      {"alice", "ALICE", Code::kOk, "alice"},  // canonicalised before comparing
      {"alice", "bob", Code::kNoPermission, ""},
      {"admin", "bob", Code::kOk, "bob"},
      {"admin", "bad\x01id", Code::kNoPermission, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.user) + " as " + c.authzid);
    auto session = NewSession(0);
    Result<Authenticated> who = session->CheckPlaintext(c.user, PasswordOf(c.user), c.authzid);
    ASSERT_EQ(who.code(), c.want) << who.status().ToString();
    if (!who.ok()) continue;
    EXPECT_EQ(who->authid, c.user);
    EXPECT_EQ(who->userid, c.userid);
    EXPECT_EQ(who->identity.userid, c.userid);
  }
}

// Cyrus: with allowanonymouslogin, "anonymous" logs in with any password.
TEST_F(PlaintextTest, AnonymousLogin) {
  UseConfig("allowplaintext: yes\nallowanonymouslogin: no\n");
  auto refused = NewSession(0);
  Result<Authenticated> denied = refused->CheckPlaintext("anonymous", "guest@example.com");
  EXPECT_EQ(denied.code(), Code::kNoPermission);
  EXPECT_EQ(refused->failures(), 1);

  UseConfig("allowplaintext: yes\nallowanonymouslogin: yes\n");
  for (const char* spelling : {"anonymous", "Anonymous", "ANONYMOUS"}) {
    SCOPED_TRACE(spelling);
    auto session = NewSession(0);
    Result<Authenticated> who = session->CheckPlaintext(spelling, "anything at all");
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    EXPECT_EQ(who->userid, "anonymous");
    EXPECT_TRUE(who->identity.anonymous);
    EXPECT_FALSE(who->identity.is_admin);
  }
}

TEST_F(PlaintextTest, Apop) {
  UseConfig("allowplaintext: no\n");
  const std::string challenge = "<1896.697170952@mail.test>";
  auto probe = NewSession(0);
  ASSERT_TRUE(probe->ApopAvailable()) << "libsasl2 was built without APOP";

  struct Case {
    const char* user;
    std::string digest;
    Code want;
  } cases[] = {
      {"alice", ApopDigest(challenge, PasswordOf("alice")), Code::kOk},
      {"alice", ApopDigest(challenge, "wrong"), Code::kNoPermission},
      {"alice", ApopDigest("<other@mail.test>", PasswordOf("alice")), Code::kNoPermission},
      {"nobody", ApopDigest(challenge, "nobody-secret"), Code::kNoPermission},
      {"alice", "not-hex", Code::kInvalid},
      {"alice", std::string(32, 'G'), Code::kInvalid},
      {"alice", std::string(31, 'a'), Code::kInvalid},
      {"", ApopDigest(challenge, "x"), Code::kNoPermission},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.user) + " " + c.digest);
    auto session = NewSession(0);  // APOP needs no encryption
    Result<Authenticated> who = session->CheckApop(challenge, c.user, c.digest);
    ASSERT_EQ(who.code(), c.want) << who.status().ToString();
    if (!who.ok()) {
      EXPECT_EQ(session->failures(), 1);
      continue;
    }
    EXPECT_EQ(who->userid, "alice");
    EXPECT_EQ(who->mechanism, "APOP");
  }

  UseConfig("allowapop: no\n");
  auto disabled = NewSession(0);
  EXPECT_FALSE(disabled->ApopAvailable());
  EXPECT_EQ(disabled->CheckApop(challenge, "alice", ApopDigest(challenge, PasswordOf("alice"))).code(),
            Code::kUnsupported);
}

}  // namespace
}  // namespace satrap::auth
