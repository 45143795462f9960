// imapd.conf: the file format (Cyrus imapd.conf(5)), defaults, families,
// per-service overrides, and the seeds' files.
#include "config/imapd_config.h"

#include <gtest/gtest.h>

#include <string>

#include "base/file.h"

namespace satrap::config {
namespace {

Config MustParse(std::string_view text) {
  Result<Config> config = Config::Parse(text, "imapd.conf");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  return config.ok() ? *config : Config();
}

std::string ParseError(std::string_view text) {
  Result<Config> config = Config::Parse(text, "imapd.conf");
  if (config.ok()) return "(parsed)";
  EXPECT_EQ(config.code(), Code::kInvalid);
  return config.status().message();
}

TEST(ImapdConf, EmptyFileGivesDefaults) {
  Config config = MustParse("");
  EXPECT_TRUE(config.warnings().empty());
  EXPECT_EQ(config.GetString("configdirectory"), "");
  EXPECT_EQ(config.GetString("defaultpartition"), "default");
  EXPECT_FALSE(config.GetBool("allowplaintext"));
  EXPECT_TRUE(config.GetBool("singleinstancestore"));
  EXPECT_EQ(config.GetInt("quotawarn"), 90);
  EXPECT_EQ(config.GetInt("autocreate_quota"), -1);
  EXPECT_EQ(config.GetString("virtdomains"), "off");
  EXPECT_EQ(config.GetDuration("timeout"), 30 * 60);
  EXPECT_EQ(config.GetInt("timeout"), 30);  // minutes, as in Cyrus 2
  EXPECT_EQ(config.GetDuration("popexpiretime"), -86400);
  EXPECT_EQ(config.GetString("cyrus_user"), "cyrus");
  EXPECT_TRUE(config.GetList("admins").empty());
  EXPECT_EQ(config.Raw("admins"), nullptr);
  EXPECT_TRUE(config.Family("partition-").empty());
}

TEST(ImapdConf, DefaultConstructedEqualsEmptyFile) {
  Config config;
  EXPECT_EQ(config.GetString("defaultacl"), "anyone lrs");
  EXPECT_EQ(config.GetDuration("tls_session_timeout"), 24 * 3600);
  EXPECT_TRUE(config.warnings().empty());
  EXPECT_EQ(config.path(), "");
}

TEST(ImapdConf, ConfigDirectoryIsSubstitutedInDefaults) {
  Config config = MustParse("configdirectory: /var/lib/cyrus\n");
  EXPECT_EQ(config.GetString("lmtpsocket"), "/var/lib/cyrus/socket/lmtp");
  EXPECT_EQ(config.GetString("idlesocket"), "/var/lib/cyrus/socket/idle");
  EXPECT_EQ(config.GetString("sievedir"), "/var/lib/cyrus/sieve");
  // The defaults are shared between configs; the substituted ones are not.
  Config other = MustParse("configdirectory: /other\n");
  EXPECT_EQ(other.GetString("lmtpsocket"), "/other/socket/lmtp");
  EXPECT_EQ(config.GetString("lmtpsocket"), "/var/lib/cyrus/socket/lmtp");
  EXPECT_EQ(Config().GetString("lmtpsocket"), "/socket/lmtp");
  // A value set in the file is taken as written.
  Config set = MustParse("configdirectory: /c\nlmtpsocket: /run/lmtp\n");
  EXPECT_EQ(set.GetString("lmtpsocket"), "/run/lmtp");
}

TEST(ImapdConf, Syntax) {
  struct Case {
    const char* text;
    const char* key;
    const char* want;
  };
  const Case cases[] = {
      {"servername: mail.example.com\n", "servername", "mail.example.com"},
      {"servername:mail.example.com", "servername", "mail.example.com"},  // no space, no final \n
      {"   servername  :  mail  \n", "servername", "mail"},               // blanks trimmed
      {"\tservername:\tmail\t\n", "servername", "mail"},
      {"SERVERNAME: Mail\n", "servername", "Mail"},  // keys fold case, values keep it
      {"servername: a b  c\n", "servername", "a b  c"},
      {"servername: mail\r\n", "servername", "mail"},  // CRLF
      {"# comment\n\n   # indented comment\nservername: x\n", "servername", "x"},
      {"sasl_ldapdb_pw: pass#word\n", "sasl_ldapdb_pw", "pass#word"},  // '#' in a value
      {"servername: a:b:c\n", "servername", "a:b:c"},                  // first ':' splits
      {"servername: mail\\\n.example.com\n", "servername", "mail.example.com"},
      {"servername:\\\n  mail\n", "servername", "mail"},
      {"admins: a \\\nb \\\n c\n", "admins", "a b  c"},  // imapd.conf(5)'s example
      {"servername: x\\\r\ny\r\n", "servername", "xy"},
      {"servername: trailing\\", "servername", "trailing\\"},  // nothing to join
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Config config = MustParse(c.text);
    ASSERT_NE(config.Raw(c.key), nullptr);
    EXPECT_EQ(*config.Raw(c.key), c.want);
  }
}

TEST(ImapdConf, CommentEndingInBackslashDoesNotSwallowNextLine) {
  Config config = MustParse("# a comment \\\nservername: x\n");
  EXPECT_EQ(config.GetString("servername"), "x");
}

TEST(ImapdConf, MalformedLinesAreErrorsWithFileAndLine) {
  struct Case {
    const char* text;
    const char* want;  // the whole message
  };
  const Case cases[] = {
      {"servername mail\n", "imapd.conf:1: missing ':' after the option name in 'servername mail'"},
      {"\n\n: value\n", "imapd.conf:3: empty option name before ':'"},
      {"servername:\n", "imapd.conf:1: servername: empty value"},
      {"servername:   \t\n", "imapd.conf:1: servername: empty value"},
      {"server name: x\n", "imapd.conf:1: bad character in option name 'server name'"},
      {"server$name: x\n", "imapd.conf:1: bad character in option name 'server$name'"},
      {"a@b: x\n", "imapd.conf:1: bad character in option name 'a@b'"},
      {"timeout: ten\n",
       "imapd.conf:1: timeout: not a duration (a number with an optional "
       "d/h/m/s unit, bare numbers in m): 'ten'"},
      {"quotawarn: 9O\n", "imapd.conf:1: quotawarn: not an integer: '9O'"},
      {"quotawarn: 99999999999999999999\n",
       "imapd.conf:1: quotawarn: not an integer: '99999999999999999999'"},
      {"quotawarn: 1.5\n", "imapd.conf:1: quotawarn: not an integer: '1.5'"},
      {"quotawarn: +5\n", "imapd.conf:1: quotawarn: not an integer: '+5'"},
      {"allowplaintext: maybe\n",
       "imapd.conf:1: allowplaintext: not a boolean (yes/no, on/off, "
       "true/false, t/f, 1/0): 'maybe'"},
      {"virtdomains: sometimes\n",
       "imapd.conf:1: virtdomains: not one of off userid on: 'sometimes'"},
      {"tls_versions: tls1_2 tls9\n",
       "imapd.conf:1: tls_versions: unknown word 'tls9' (allowed: "
       "ssl3 tls1_0 tls1_1 tls1_2 tls1_3)"},
      {"syslog_facility: kern\n",
       "imapd.conf:1: syslog_facility: not one of mail daemon user auth authpriv news local0 "
       "local1 local2 local3 local4 local5 local6 local7: 'kern'"},
      {"# c\nadmins: a\n\nadmins: b\n", "imapd.conf:4: admins: set twice (first on line 2)"},
      {"Admins: a\nADMINS: b\n", "imapd.conf:2: admins: set twice (first on line 1)"},
      {"partition-default: var/spool\n",
       "imapd.conf:1: partition-default: partition path must be absolute: 'var/spool'"},
      {"metapartition-default: meta\n",
       "imapd.conf:1: metapartition-default: partition path must be absolute: 'meta'"},
      {"imap_timeout: soon\n",
       "imapd.conf:1: imap_timeout: not a duration (a number with an "
       "optional d/h/m/s unit, bare numbers in m): 'soon'"},
      {"pop3_allowplaintext: 2\n",
       "imapd.conf:1: pop3_allowplaintext: not a boolean (yes/no, "
       "on/off, true/false, t/f, 1/0): '2'"},
      {"tls_pop3_client_certs: always\n",
       "imapd.conf:1: tls_pop3_client_certs: not one of off optional require: 'always'"},
      {"a: 1\n\\\n", "imapd.conf:2: missing ':' after the option name in '\\'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ParseError(c.text), c.want);
  }
}

TEST(ImapdConf, ErrorsNameTheFirstLineOfAContinuedLine) {
  EXPECT_EQ(ParseError("servername: x\nquotawarn: 1\\\n2\\\nx\n"),
            "imapd.conf:2: quotawarn: not an integer: '12x'");
  // Line numbers after a continuation still count physical lines.
  EXPECT_EQ(ParseError("admins: a\\\nb\nquotawarn: x\n"),
            "imapd.conf:3: quotawarn: not an integer: 'x'");
  EXPECT_EQ(ParseError("a: 1\r\nb: 2\r\nquotawarn: x\r\n"),
            "imapd.conf:3: quotawarn: not an integer: 'x'");
}

TEST(ImapdConf, NulByteIsAnError) {
  std::string text = "servername: ok\nadmins: a";
  text.push_back('\0');
  text += "b\n";
  EXPECT_EQ(ParseError(text), "imapd.conf:2: NUL byte in line");
  std::string in_key("ser");
  in_key.push_back('\0');
  in_key += "ver: x\n";
  EXPECT_EQ(ParseError(in_key), "imapd.conf:1: NUL byte in line");
}

TEST(ImapdConf, UnknownKeysAreWarningsNotErrors) {
  Config config =
      MustParse("configdirectory: /c\nfrobnicate: yes\n\nmboxlist_db: skiplist\nsrvtab: /x\n");
  ASSERT_EQ(config.warnings().size(), 2u);
  EXPECT_EQ(config.warnings()[0], "imapd.conf:2: unknown option 'frobnicate'");
  EXPECT_EQ(config.warnings()[1], "imapd.conf:4: unknown option 'mboxlist_db'");
  // Their values stay readable raw.
  ASSERT_NE(config.Raw("frobnicate"), nullptr);
  EXPECT_EQ(*config.Raw("frobnicate"), "yes");
  EXPECT_EQ(*config.Raw("FROBNICATE"), "yes");
}

TEST(ImapdConf, IncludeIsNotFollowed) {
  const std::string dir = "/tmp/satrap_config_include_test";
  ASSERT_TRUE(MakeDirectories(dir).ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/other.conf", "servername: from-include\n").ok());
  Config config = MustParse("@include: " + dir + "/other.conf\nadmins: a\n");
  EXPECT_EQ(config.GetString("servername"), "");
  ASSERT_EQ(config.warnings().size(), 1u);
  EXPECT_EQ(config.warnings()[0],
            "imapd.conf:1: @include is not supported; '" + dir + "/other.conf' was not read");
  std::remove((dir + "/other.conf").c_str());
  ::rmdir(dir.c_str());
}

TEST(ImapdConf, Families) {
  Config config = MustParse(
      "partition-default: /var/spool/cyrus/mail\n"
      "partition-news: /var/spool/cyrus/news\n"
      "metapartition-default: /var/lib/cyrus/meta\n"
      "metapartition_files: header index\n"
      "sasl_pwcheck_method: auxprop\n"
      "sasl_auxprop_plugin: ldapdb\n"
      "sasl_minimum_layer: 56\n"
      "imap_sasl_mech_list: PLAIN\n"
      "sasl_mech_list: PLAIN LOGIN\n"
      "ldap_uri: ldap://localhost\n"
      "xlist-junk: Spam\n");
  EXPECT_TRUE(config.warnings().empty()) << config.warnings()[0];
  std::map<std::string, std::string> partitions = config.Family("partition-");
  EXPECT_EQ(partitions, (std::map<std::string, std::string>{{"default", "/var/spool/cyrus/mail"},
                                                            {"news", "/var/spool/cyrus/news"}}));
  EXPECT_EQ(config.Family("metapartition-"),
            (std::map<std::string, std::string>{{"default", "/var/lib/cyrus/meta"}}));
  std::map<std::string, std::string> sasl = config.Family("sasl_");
  EXPECT_EQ(sasl.size(), 4u);
  EXPECT_EQ(sasl["pwcheck_method"], "auxprop");
  EXPECT_EQ(sasl["mech_list"], "PLAIN LOGIN");
  EXPECT_EQ(config.GetInt("sasl_minimum_layer"), 56);
  std::map<std::string, std::string> imap_sasl = config.Family("imap", "sasl_");
  EXPECT_EQ(imap_sasl["mech_list"], "PLAIN");
  EXPECT_EQ(imap_sasl["auxprop_plugin"], "ldapdb");
  EXPECT_EQ(config.Family("pop3", "sasl_")["mech_list"], "PLAIN LOGIN");
  EXPECT_EQ(config.Family("ldap_")["uri"], "ldap://localhost");
  EXPECT_EQ(config.GetList("metapartition_files"), (std::vector<std::string>{"header", "index"}));
}

TEST(ImapdConf, PerServiceOverrides) {
  Config config = MustParse(
      "tls_cert_file: /etc/ssl/all.pem\n"
      "imap_tls_cert_file: /etc/ssl/imap.pem\n"
      "tls_pop3_cert_file: disabled\n"
      "admins: cyrus\n"
      "lmtp_admins: postfix cyrus\n"
      "timeout: 45\n"
      "imaps_timeout: 2h\n"
      "allowplaintext: no\n"
      "imap_allowplaintext: yes\n"
      "imap_internal_maxlogins_per_user: 3\n");
  EXPECT_TRUE(config.warnings().empty()) << config.warnings()[0];
  EXPECT_EQ(config.GetString("tls_cert_file"), "/etc/ssl/all.pem");
  EXPECT_EQ(config.GetString("imap", "tls_cert_file"), "/etc/ssl/imap.pem");
  EXPECT_EQ(config.GetString("pop3", "tls_cert_file"), "disabled");
  EXPECT_EQ(config.GetString("sieve", "tls_cert_file"), "/etc/ssl/all.pem");
  EXPECT_EQ(config.GetString("IMAP", "tls_cert_file"), "/etc/ssl/imap.pem");
  EXPECT_EQ(config.GetList("lmtp", "admins"), (std::vector<std::string>{"postfix", "cyrus"}));
  EXPECT_EQ(config.GetList("imap", "admins"), (std::vector<std::string>{"cyrus"}));
  EXPECT_EQ(config.GetDuration("imaps", "timeout"), 7200);
  EXPECT_EQ(config.GetInt("imaps", "timeout"), 120);
  EXPECT_EQ(config.GetDuration("imap", "timeout"), 45 * 60);
  EXPECT_TRUE(config.GetBool("imap", "allowplaintext"));
  EXPECT_FALSE(config.GetBool("pop3", "allowplaintext"));
  EXPECT_EQ(config.GetInt("imap_internal", "maxlogins_per_user"), 3);
  EXPECT_EQ(config.GetInt("imap", "maxlogins_per_user"), 0);
  // An override also answers for the option's other spelling.
  EXPECT_EQ(config.GetString("imap", "tls_server_cert"), "/etc/ssl/imap.pem");
  EXPECT_EQ(config.GetString("tls_server_cert"), "/etc/ssl/all.pem");
}

TEST(ImapdConf, AliasesFallBackBothWays) {
  Config old_names = MustParse("tls_cipher_list: HIGH\ntls_key_file: /k\n");
  EXPECT_EQ(old_names.GetString("tls_ciphers"), "HIGH");
  EXPECT_EQ(old_names.GetString("tls_server_key"), "/k");
  Config new_names = MustParse("tls_ciphers: HIGH\ncreateonpost: yes\n");
  EXPECT_EQ(new_names.GetString("tls_cipher_list"), "HIGH");
  EXPECT_TRUE(new_names.GetBool("autocreate_post"));
  // Each spelling set explicitly reads its own value.
  Config both = MustParse("tls_ciphers: A\ntls_cipher_list: B\n");
  EXPECT_EQ(both.GetString("tls_ciphers"), "A");
  EXPECT_EQ(both.GetString("tls_cipher_list"), "B");
  // autocreatequota (Cyrus 2: 0 = off) is not autocreate_quota (-1 = off).
  Config quota = MustParse("autocreatequota: 0\n");
  EXPECT_EQ(quota.GetInt("autocreate_quota"), -1);
}

TEST(ImapdConf, ConfigIsCheapToCopyAndOutlivesTheOriginal) {
  Config copy;
  {
    Config config = MustParse("servername: kept\n");
    copy = config;
  }
  EXPECT_EQ(copy.GetString("servername"), "kept");
}

TEST(ImapdConf, VeryLongLinesAreAccepted) {
  std::string value(200000, 'x');
  Config config = MustParse("servername: " + value + "\n");
  EXPECT_EQ(config.GetString("servername").size(), value.size());
  std::string admins;
  for (int i = 0; i < 5000; ++i) admins += "user" + std::to_string(i) + " ";
  EXPECT_EQ(MustParse("admins: " + admins).GetList("admins").size(), 5000u);
}

TEST(ImapdConf, LoadReadsTheFileAndNamesItInErrors) {
  const std::string path = "/tmp/satrap_config_load_test.conf";
  ASSERT_TRUE(WriteFileAtomic(path, "configdirectory: /var/imap\nbogus: 1\n").ok());
  Result<Config> config = Config::Load(path);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->path(), path);
  EXPECT_EQ(config->GetString("configdirectory"), "/var/imap");
  ASSERT_EQ(config->warnings().size(), 1u);
  EXPECT_EQ(config->warnings()[0], path + ":2: unknown option 'bogus'");

  ASSERT_TRUE(WriteFileAtomic(path, "configdirectory: /var/imap\nquotawarn: lots\n").ok());
  Result<Config> bad = Config::Load(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), path + ":2: quotawarn: not an integer: 'lots'");
  std::remove(path.c_str());
}

TEST(ImapdConf, LoadOfAMissingFileSaysSo) {
  Result<Config> config = Config::Load("/tmp/satrap_config_no_such_dir/imapd.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(config.status().IsMissingFile()) << config.status().ToString();
  EXPECT_NE(config.status().message().find("/tmp/satrap_config_no_such_dir/imapd.conf"),
            std::string::npos);
}

// The Debian guide's imapd.conf (seed 001), as printed there.
TEST(ImapdConf, SeedDebianGuideParses) {
  Result<Config> loaded = Config::Load(SATRAP_CONFIG_TESTDATA "/debian_imapd.conf");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Config& c = *loaded;
  EXPECT_TRUE(c.warnings().empty()) << c.warnings()[0];
  EXPECT_EQ(c.GetString("configdirectory"), "/var/lib/cyrus");
  EXPECT_EQ(c.GetString("defaultpartition"), "default");
  EXPECT_EQ(c.Family("partition-")["default"], "/var/spool/cyrus/mail");
  EXPECT_FALSE(c.GetBool("altnamespace"));
  EXPECT_FALSE(c.GetBool("unixhierarchysep"));
  EXPECT_FALSE(c.GetBool("reject8bit"));
  EXPECT_TRUE(c.GetBool("munge8bit"));
  EXPECT_TRUE(c.GetBool("lmtp_downcase_rcpt"));
  EXPECT_EQ(c.GetList("admins"), (std::vector<std::string>{"cyrus"}));
  EXPECT_FALSE(c.GetBool("allowanonymouslogin"));
  EXPECT_EQ(c.GetDuration("popminpoll"), 60);
  EXPECT_EQ(c.GetInt("autocreatequota"), 0);
  EXPECT_EQ(c.GetString("umask"), "077");
  EXPECT_FALSE(c.GetBool("sieveusehomedir"));
  EXPECT_EQ(c.GetString("sievedir"), "/var/spool/sieve");
  EXPECT_TRUE(c.GetBool("hashimapspool"));
  EXPECT_TRUE(c.GetBool("allowplaintext"));
  std::map<std::string, std::string> sasl = c.Family("sasl_");
  EXPECT_EQ(sasl["pwcheck_method"], "auxprop");
  EXPECT_EQ(sasl["auxprop_plugin"], "ldapdb");
  EXPECT_EQ(sasl["auto_transition"], "no");
  EXPECT_EQ(sasl["ldapdb_uri"], "ldap://localhost");
  EXPECT_EQ(sasl["ldapdb_id"], "cyrus");
  EXPECT_EQ(sasl["ldapdb_pw"], "highsecuritypassword");
  EXPECT_EQ(sasl["ldapdb_mech"], "DIGEST-MD5");
  EXPECT_EQ(c.GetString("tls_cert_file"), "/etc/ssl/certs/imap/imap.certificate.pem");
  EXPECT_EQ(c.GetString("tls_server_cert"), "/etc/ssl/certs/imap/imap.certificate.pem");
  EXPECT_EQ(c.GetString("tls_key_file"), "/etc/ssl/certs/imap/imap.privatekey.key");
  EXPECT_EQ(c.GetString("tls_ca_file"), "/etc/ssl/certs/imap/rootca-certificate.crt");
  EXPECT_EQ(c.GetDuration("tls_session_timeout"), 1440 * 60);
  EXPECT_EQ(c.GetString("tls_ciphers"), "TLSv1+HIGH:!aNULL:@STRENGTH");
  EXPECT_EQ(c.GetString("lmtpsocket"), "/var/run/cyrus/socket/lmtp");
  EXPECT_EQ(c.GetString("idlemethod"), "poll");
  EXPECT_EQ(c.GetString("idlesocket"), "/var/run/cyrus/socket/idle");
  EXPECT_EQ(c.GetString("notifysocket"), "/var/run/cyrus/socket/notify");
  EXPECT_EQ(c.GetString("syslog_prefix"), "cyrus");
}

// The install guide's minimal imapd.conf (seed 004), indented as printed.
TEST(ImapdConf, SeedInstallGuideParses) {
  Result<Config> loaded = Config::Load(SATRAP_CONFIG_TESTDATA "/install_imapd.conf");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->warnings().empty()) << loaded->warnings()[0];
  EXPECT_EQ(loaded->GetString("configdirectory"), "/var/imap");
  EXPECT_EQ(loaded->Family("partition-")["default"], "/var/spool/imap");
  EXPECT_EQ(loaded->GetString("defaultpartition"), "default");
  EXPECT_EQ(loaded->GetList("admins"), (std::vector<std::string>{"curtj", "abell"}));
  EXPECT_EQ(loaded->GetString("srvtab"), "/var/imap/srvtab");
  EXPECT_EQ(loaded->GetString("lmtpsocket"), "/var/imap/socket/lmtp");
}

// The sample shipped in etc/ must parse without a warning.
TEST(ImapdConf, ShippedSampleParses) {
  Result<Config> loaded = Config::Load(SATRAP_CONFIG_TESTDATA "/../../../../etc/imapd.conf");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->warnings().empty()) << loaded->warnings()[0];
  EXPECT_FALSE(loaded->Family("partition-").empty());
}

}  // namespace
}  // namespace satrap::config
