// AuthPolicy: the imapd.conf rules, without SASL.
#include "auth/policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/imapd_config.h"

namespace satrap::auth {
namespace {

AuthPolicy PolicyFrom(std::string_view text, std::string_view service = "imap") {
  Result<config::Config> config = config::Config::Parse(text, "policy-test.conf");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return AuthPolicy::FromConfig(*config, service);
}

TEST(AuthPolicy, DefaultsFollowCyrus) {
  AuthPolicy policy = PolicyFrom("");
  EXPECT_TRUE(policy.admins.empty());
  EXPECT_FALSE(policy.allow_plaintext);
  EXPECT_FALSE(policy.allow_anonymous);
  EXPECT_TRUE(policy.allow_apop);
  EXPECT_TRUE(policy.mech_list.empty());
  EXPECT_EQ(policy.minimum_layer, 0u);
  EXPECT_EQ(policy.failed_login_pause.count(), 3);
  EXPECT_TRUE(policy.username_tolower);
  EXPECT_FALSE(policy.virtdomains);
  EXPECT_FALSE(policy.server_name.empty());  // gethostname()
}

TEST(AuthPolicy, ReadsOptionsAndServiceOverrides) {
  AuthPolicy policy = PolicyFrom(
      "admins: cyrus root\n"
      "imap_admins: imapadmin group:staff\n"
      "proxyservers: murder\n"
      "allowplaintext: yes\n"
      "pop3_allowplaintext: no\n"
      "sasl_mech_list: plain, cram-md5  SCRAM-SHA-256\n"
      "failedloginpause: 1m\n"
      "virtdomains: userid\n"
      "defaultdomain: Example.COM\n"
      "servername: imap.example.com\n");
  EXPECT_EQ(policy.admins, (std::vector<std::string>{"imapadmin", "group:staff"}));
  EXPECT_EQ(policy.proxy_servers, (std::vector<std::string>{"murder"}));
  EXPECT_TRUE(policy.allow_plaintext);
  EXPECT_EQ(policy.mech_list, (std::vector<std::string>{"PLAIN", "CRAM-MD5", "SCRAM-SHA-256"}));
  EXPECT_EQ(policy.failed_login_pause.count(), 60);
  EXPECT_TRUE(policy.virtdomains);
  EXPECT_EQ(policy.default_domain, "example.com");
  EXPECT_EQ(policy.server_name, "imap.example.com");

  AuthPolicy pop = PolicyFrom("admins: cyrus\nallowplaintext: yes\npop3_allowplaintext: no\n", "pop3");
  EXPECT_FALSE(pop.allow_plaintext);
  EXPECT_EQ(pop.admins, (std::vector<std::string>{"cyrus"}));
}

TEST(AuthPolicy, CanonicalUser) {
  struct Case {
    const char* config;
    std::string in;
    const char* want;
  } cases[] = {
      {"", "alice", "alice"},
      {"", "Alice", "alice"},
      {"username_tolower: no\n", "Alice", "Alice"},
      {"", "ANONYMOUS", "anonymous"},
      {"username_tolower: no\n", "AnOnYmOuS", "anonymous"},
      {"", "", ""},
      {"", "al\tice", ""},
      {"", "al\x7f" "ice", ""},
      {"", std::string("al\0ice", 6), ""},
      {"", "alice@example.com", "alice@example.com"},  // no virtdomains: kept
      {"virtdomains: userid\n", "alice%Example.com", "alice@example.com"},
      {"virtdomains: userid\n", "alice@EXAMPLE.com", "alice@example.com"},
      {"virtdomains: userid\ndefaultdomain: example.com\n", "alice@example.com", "alice"},
      {"virtdomains: userid\n", "anonymous@example.com", "anonymous"},
      {"virtdomains: userid\n", "@example.com", ""},
      {"virtdomains: userid\n", "alice@", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.config) + c.in);
    EXPECT_EQ(PolicyFrom(c.config).CanonicalUser(c.in), c.want);
  }
}

TEST(AuthPolicy, AdminsAndProxying) {
  AuthPolicy policy = PolicyFrom("admins: cyrus group:mailadmins\nproxyservers: group:frontends\n");
  const std::vector<std::string> none;
  const std::vector<std::string> mailadmins = {"mailadmins"};
  const std::vector<std::string> frontends = {"frontends", "users"};
  EXPECT_TRUE(policy.IsAdmin("cyrus", none));
  EXPECT_FALSE(policy.IsAdmin("alice", none));
  EXPECT_TRUE(policy.IsAdmin("alice", mailadmins));
  EXPECT_FALSE(policy.IsAdmin("alice", frontends));
  EXPECT_FALSE(policy.IsAdmin("anonymous", mailadmins));
  EXPECT_FALSE(policy.IsAdmin("mailadmins", none));  // a group name is not a user
  EXPECT_FALSE(policy.IsAdmin("alice", {"group:mailadmins"}));  // names come bare

  EXPECT_TRUE(policy.MayActAs("alice", none, "alice"));
  EXPECT_FALSE(policy.MayActAs("alice", none, "bob"));
  EXPECT_TRUE(policy.MayActAs("cyrus", none, "bob"));
  EXPECT_TRUE(policy.MayActAs("alice", mailadmins, "bob"));
  EXPECT_TRUE(policy.MayActAs("front1", frontends, "bob"));
  EXPECT_FALSE(policy.MayActAs("anonymous", mailadmins, "bob"));
}

TEST(AuthPolicy, LoginRealms) {
  struct Case {
    const char* config;
    const char* authid;
    bool want;
  } cases[] = {
      {"", "alice", true},
      {"", "alice@example.com", false},  // cross-realm without loginrealms
      {"loginrealms: example.com other.org\n", "alice@EXAMPLE.com", true},
      {"loginrealms: example.com\n", "alice@evil.com", false},
      {"virtdomains: userid\n", "alice@example.com", true},  // the realm is the domain
      {"virtdomains: userid\nloginrealms: example.com\n", "alice@evil.com", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.config) + c.authid);
    EXPECT_EQ(PolicyFrom(c.config).LoginRealmAllowed(c.authid), c.want);
  }
}

TEST(AuthPolicy, PlaintextAndLayers) {
  struct Case {
    const char* config;
    unsigned ssf;
    bool plaintext;
    bool layer;
  } cases[] = {
      {"", 0, false, true},
      {"", 1, false, true},  // SSF 1 is integrity only: still not encrypted
      {"", 2, true, true},   // a local socket
      {"", 256, true, true},
      {"allowplaintext: yes\n", 0, true, true},
      {"allowplaintext: yes\nsasl_minimum_layer: 56\n", 0, false, false},
      {"sasl_minimum_layer: 56\n", 128, true, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.config) + std::to_string(c.ssf));
    AuthPolicy policy = PolicyFrom(c.config);
    EXPECT_EQ(policy.PlaintextAllowed(c.ssf), c.plaintext);
    EXPECT_EQ(policy.LayerSufficient(c.ssf), c.layer);
  }
}

TEST(AuthPolicy, PausesGrowThenLevelOff) {
  AuthPolicy policy = PolicyFrom("failedloginpause: 3\n");
  EXPECT_EQ(policy.PauseAfter(0).count(), 0);
  EXPECT_EQ(policy.PauseAfter(1).count(), 3);
  EXPECT_EQ(policy.PauseAfter(2).count(), 6);
  EXPECT_EQ(policy.PauseAfter(kMaxPauseMultiple).count(), 3 * kMaxPauseMultiple);
  EXPECT_EQ(policy.PauseAfter(100).count(), 3 * kMaxPauseMultiple);
  EXPECT_EQ(PolicyFrom("failedloginpause: 0\n").PauseAfter(4).count(), 0);
}

TEST(AuthPolicy, MechanismListed) {
  AuthPolicy all = PolicyFrom("");
  EXPECT_TRUE(all.MechanismListed("ANYTHING"));
  AuthPolicy some = PolicyFrom("sasl_mech_list: SCRAM-SHA-256\n");
  EXPECT_TRUE(some.MechanismListed("scram-sha-256"));
  EXPECT_FALSE(some.MechanismListed("PLAIN"));
  EXPECT_FALSE(some.MechanismListed("SCRAM-SHA-2"));
}

}  // namespace
}  // namespace satrap::auth
