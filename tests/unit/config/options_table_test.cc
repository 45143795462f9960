// The option table itself: what FindOption's bisection, the defaults and the
// man page rely on.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "base/strings.h"
#include "config/imapd_config.h"

namespace satrap::config {
namespace {

TEST(OptionTable, SortedUniqueAndLowerCase) {
  std::span<const OptionInfo> options = AllOptions();
  ASSERT_GT(options.size(), 100u);
  for (size_t i = 1; i < options.size(); ++i) {
    SCOPED_TRACE(options[i].name);
    EXPECT_LT(std::string_view(options[i - 1].name), std::string_view(options[i].name));
  }
  for (const OptionInfo& option : options) {
    EXPECT_EQ(AsciiLower(option.name), option.name);
  }
}

TEST(OptionTable, EveryOptionIsFoundByName) {
  for (const OptionInfo& option : AllOptions()) {
    SCOPED_TRACE(option.name);
    EXPECT_EQ(FindOption(option.name), &option);
  }
  EXPECT_EQ(FindOption(""), nullptr);
  EXPECT_EQ(FindOption("partition-default"), nullptr);  // a family, not an option
  EXPECT_EQ(FindOption("sasl_pwcheck_method"), nullptr);
  EXPECT_EQ(FindOption("TIMEOUT"), nullptr);  // callers lower-case first
  EXPECT_EQ(FindOption("zzz"), nullptr);
  EXPECT_EQ(FindOption("aaa"), nullptr);
}

TEST(OptionTable, EveryDefaultParsesAsItsType) {
  for (const OptionInfo& option : AllOptions()) {
    SCOPED_TRACE(option.name);
    ASSERT_NE(option.doc, nullptr);
    EXPECT_GT(std::string_view(option.doc).size(), 10u);
    ASSERT_NE(option.default_value, nullptr);
    // Such defaults follow the file's configdirectory (ImapdConf tests that).
    if (std::string_view(option.default_value).find("{configdirectory}") !=
        std::string_view::npos) {
      continue;
    }
    if (option.default_value[0] == '\0') {
      EXPECT_TRUE(option.type == OptionType::kString || option.type == OptionType::kStringList);
      continue;
    }
    // Writing the default in a file must give the same value as leaving it out.
    std::string line = std::string(option.name) + ": " + option.default_value;
    Result<Config> config = Config::Parse(line, "defaults");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    Config defaults;
    EXPECT_EQ(config->GetString(option.name), defaults.GetString(option.name));
    switch (option.type) {
      case OptionType::kEnum:
        ASSERT_NE(option.allowed, nullptr);
        break;
      case OptionType::kDuration:
        ASSERT_NE(option.allowed, nullptr);
        EXPECT_NE(std::string_view("smhd").find(option.allowed), std::string_view::npos);
        EXPECT_EQ(std::string_view(option.allowed).size(), 1u);
        EXPECT_EQ(config->GetDuration(option.name), defaults.GetDuration(option.name));
        break;
      case OptionType::kString:
      case OptionType::kInt:
      case OptionType::kBool:
        EXPECT_EQ(option.allowed, nullptr);
        break;
      case OptionType::kStringList:
        break;
    }
  }
}

TEST(OptionTable, AliasesPairOptionsOfOneType) {
  int pairs = 0;
  for (const OptionInfo& option : AllOptions()) {
    const char* alias = OptionAlias(option.name);
    if (alias == nullptr) continue;
    SCOPED_TRACE(option.name);
    ++pairs;
    const OptionInfo* other = FindOption(alias);
    ASSERT_NE(other, nullptr);
    EXPECT_EQ(other->type, option.type);
    EXPECT_STREQ(OptionAlias(alias), option.name);
  }
  EXPECT_EQ(pairs, 18);
  EXPECT_EQ(OptionAlias("timeout"), nullptr);
}

// What the lead's brief and the seeds need to find in the table.
TEST(OptionTable, HoldsWhatRealSitesSet) {
  for (const char* name : {"configdirectory",
                           "defaultpartition",
                           "hashimapspool",
                           "fulldirhash",
                           "umask",
                           "cyrus_user",
                           "cyrus_group",
                           "serverbin",
                           "servername",
                           "admins",
                           "proxyservers",
                           "allowplaintext",
                           "allowanonymouslogin",
                           "allowusermoves",
                           "altnamespace",
                           "unixhierarchysep",
                           "virtdomains",
                           "defaultdomain",
                           "loginrealms",
                           "lmtp_downcase_rcpt",
                           "postuser",
                           "duplicatesuppression",
                           "singleinstancestore",
                           "reject8bit",
                           "munge8bit",
                           "maxmessagesize",
                           "quotawarn",
                           "quotawarnkb",
                           "autocreatequota",
                           "autocreate_quota",
                           "autocreate_inbox_folders",
                           "autocreate_subscribe_folders",
                           "defaultacl",
                           "implicit_owner_rights",
                           "timeout",
                           "poptimeout",
                           "popminpoll",
                           "popexpiretime",
                           "popuseacl",
                           "popuseimapflags",
                           "syslog_prefix",
                           "syslog_facility",
                           "sievedir",
                           "sieveusehomedir",
                           "sieve_maxscriptsize",
                           "sieve_maxscripts",
                           "sieve_extensions",
                           "sasl_minimum_layer",
                           "sasl_maximum_layer",
                           "tls_cert_file",
                           "tls_key_file",
                           "tls_ca_file",
                           "tls_ca_path",
                           "tls_cipher_list",
                           "tls_ciphers",
                           "tls_versions",
                           "tls_client_certs",
                           "tls_session_timeout",
                           "tls_sessions_db_path",
                           "lmtpsocket",
                           "idlesocket",
                           "notifysocket",
                           "imapidresponse",
                           "maxlogins_per_user",
                           "maxlogins_per_host",
                           "maxword",
                           "maxquoted",
                           "maxliteral",
                           "client_timeout",
                           "delete_mode",
                           "expunge_mode",
                           "lmtp_over_quota_perm_failure",
                           "mailnotifier",
                           "sievenotifier",
                           "username_tolower",
                           "unix_group_enable",
                           "debug_command",
                           "statuscache",
                           "idlemethod",
                           "srvtab"}) {
    EXPECT_NE(FindOption(name), nullptr) << name;
  }
}

}  // namespace
}  // namespace satrap::config
