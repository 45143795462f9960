// Which libsasl2 plugin files are loaded under sasl_mech_list (sasl_plugins.h).
#include "auth/sasl_plugins.h"

#include <gtest/gtest.h>

namespace satrap::auth {
namespace {

TEST(SaslPluginsTest, ParseMechList) {
  EXPECT_EQ(ParseMechList(""), std::vector<std::string>{});
  EXPECT_EQ(ParseMechList("plain login"), (std::vector<std::string>{"PLAIN", "LOGIN"}));
  EXPECT_EQ(ParseMechList(" plain,scram-sha-256 ,, digest-md5 "),
            (std::vector<std::string>{"PLAIN", "SCRAM-SHA-256", "DIGEST-MD5"}));
}

TEST(SaslPluginsTest, Wanted) {
  const std::string kDir = "/usr/lib/x86_64-linux-gnu/sasl2/";
  struct Case {
    std::string file;
    std::string mech_list;
    bool wanted;
  } cases[] = {
      // No list: everything installed may be offered.
      {"libscram.so", "", true},
      {"libdigestmd5.so.2.0.25", "", true},
      // Listed mechanisms keep their plugin; others are skipped.
      {"libplain.so", "PLAIN LOGIN", true},
      {"liblogin.so.2", "plain login", true},
      {"libscram.so", "PLAIN LOGIN", false},
      {"libdigestmd5.so", "PLAIN LOGIN", false},
      {"libcrammd5.so", "PLAIN", false},
      {"libntlm.so", "PLAIN", false},
      {"libanonymous.so", "PLAIN", false},
      {"libgssapiv2.so", "PLAIN", false},
      {"libotp.so", "PLAIN", false},
      {"libcrammd5.so", "PLAIN CRAM-MD5", true},
      // Families: SCRAM-SHA-1 and SCRAM-SHA-256 come from libscram; GS2-KRB5 from libgs2.
      {"libscram.so", "SCRAM-SHA-256", true},
      {"libscram.so", "SCRAM-SHA-1-PLUS", true},
      {"libscram.so", "SCRAM", false},
      {"libgs2.so", "GS2-KRB5", true},
      {"libgssapiv2.so", "GSS-SPNEGO", true},
      // Not mechanism plugins (auxprop, unknown): always loaded.
      {"libsasldb.so", "PLAIN", true},
      {"libsql.so.2", "PLAIN", true},
      {"libldapdb.so", "PLAIN", true},
      {"libsomethingnew.so", "PLAIN", true},
      {"README", "PLAIN", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + " / " + c.mech_list);
    EXPECT_EQ(SaslPluginWanted(kDir + c.file, ParseMechList(c.mech_list)), c.wanted);
    EXPECT_EQ(SaslPluginWanted(c.file, ParseMechList(c.mech_list)), c.wanted);
  }
}

}  // namespace
}  // namespace satrap::auth
