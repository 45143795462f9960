// The login/badlogin lines, which log watchers parse: Cyrus's wording.
#include "auth/login_log.h"

#include <gtest/gtest.h>

namespace satrap::auth {
namespace {

Authenticated Who(const char* authid, const char* userid, const char* mechanism) {
  Authenticated who;
  who.authid = authid;
  who.userid = userid;
  who.mechanism = mechanism;
  who.identity.userid = userid;
  return who;
}

TEST(LoginLog, Lines) {
  const char* peer = "localhost [127.0.0.1]";
  struct Case {
    std::string got;
    const char* want;
  } cases[] = {
      {LoginLine(peer, Who("alice", "alice", "PLAIN"), false),
       "login: localhost [127.0.0.1] alice PLAIN User logged in"},
      {LoginLine(peer, Who("alice", "alice", "plaintext"), true),
       "login: localhost [127.0.0.1] alice plaintext+TLS User logged in"},
      {LoginLine(peer, Who("admin", "bob", "SCRAM-SHA-256"), true),
       "login: localhost [127.0.0.1] bob SCRAM-SHA-256+TLS User logged in authid=admin"},
      {BadLoginLine(peer, "PLAIN", "",
                    Status::NoPermission(
                        "SASL(-13): authentication failure: Password verification failed")),
       "badlogin: localhost [127.0.0.1] PLAIN [SASL(-13): authentication failure: Password "
       "verification failed]"},
      {BadLoginLine(peer, "plaintext", "alice",
                    Status::NoPermission("SASL(-13): user not found: checkpass failed")),
       "badlogin: localhost [127.0.0.1] plaintext alice SASL(-13): user not found: checkpass failed"},
      // A client cannot break the line or add fields.
      {BadLoginLine(peer, "plaintext", "eve\r\nlogin: forged x",
                    Status::NoPermission("detail\nmore")),
       "badlogin: localhost [127.0.0.1] plaintext eve??login:?forged?x detail more"},
      {LoginLine(peer, Who("", "", "PLAIN"), false),
       "login: localhost [127.0.0.1] ? PLAIN User logged in"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(c.got, c.want);
  }
}

}  // namespace
}  // namespace satrap::auth
