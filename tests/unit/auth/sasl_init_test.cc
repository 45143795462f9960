// The option callback libsasl2 reads imapd.conf through (Cyrus mysasl_config).
#include "auth/sasl_init.h"

#include <gtest/gtest.h>

#include <string>

#include "sasl_fixture.h"

namespace satrap::auth {
namespace {

std::string Option(const char* plugin, const char* option) {
  const char* value = SaslOption(plugin, option);
  return value == nullptr ? "<unset>" : value;
}

TEST(SaslInit, OptionsComeFromTheSaslFamily) {
  testing::UseConfig(
      "sasl_foo: general\n"
      "sasl_plug_foo: for plug\n"
      "sasl_mech_list: PLAIN\n"
      "srvtab: /etc/krb5.keytab\n");
  ASSERT_TRUE(Initialized());
  struct Case {
    const char* plugin;
    const char* option;
    std::string want;
  } cases[] = {
      {nullptr, "pwcheck_method", "auxprop"},
      {nullptr, "auxprop_plugin", "sasldb"},
      {"sasldb", "sasldb_path", testing::SasldbPath()},
      {nullptr, "foo", "general"},
      {"plug", "foo", "for plug"},      // sasl_PLUGIN_OPTION wins
      {"other", "foo", "general"},
      {"", "foo", "general"},
      {nullptr, "mech_list", "PLAIN"},
      {nullptr, "srvtab", "/etc/krb5.keytab"},  // Cyrus passes srvtab as is
      {nullptr, "servername", "<unset>"},       // not in the sasl_ family
      {nullptr, "missing", "<unset>"},
      {nullptr, nullptr, "<unset>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.plugin ? c.plugin : "(null)") + " " + (c.option ? c.option : "(null)"));
    EXPECT_EQ(Option(c.plugin, c.option), c.want);
  }
  EXPECT_EQ(CurrentConfig().GetString("servername"), testing::kRealm);
}

TEST(SaslInit, SwappingTheConfigChangesTheAnswers) {
  testing::UseConfig("sasl_foo: one\n");
  const char* first = SaslOption(nullptr, "foo");
  ASSERT_NE(first, nullptr);
  testing::UseConfig("sasl_foo: two\n");
  EXPECT_EQ(Option(nullptr, "foo"), "two");
  EXPECT_STREQ(first, "one");  // strings already handed out stay valid
}

}  // namespace
}  // namespace satrap::auth
