// cyrus.conf: sections of `name key=value ...` entries (Cyrus cyrus.conf(5)).
#include "config/cyrus_conf.h"

#include <gtest/gtest.h>

#include <string>

namespace satrap::config {
namespace {

CyrusConf MustParse(std::string_view text) {
  Result<CyrusConf> conf = ParseCyrusConf(text, "cyrus.conf");
  EXPECT_TRUE(conf.ok()) << conf.status().ToString();
  return conf.ok() ? *conf : CyrusConf();
}

std::string ParseError(std::string_view text) {
  Result<CyrusConf> conf = ParseCyrusConf(text, "cyrus.conf");
  if (conf.ok()) return "(parsed)";
  EXPECT_EQ(conf.code(), Code::kInvalid);
  return conf.status().message();
}

std::string Value(const CyrusConfEntry& entry, std::string_view key) {
  const std::string* value = entry.Find(key);
  return value ? *value : "(unset)";
}

TEST(CyrusConf, SectionsEntriesAndArguments) {
  CyrusConf conf = MustParse(
      "# The master's table\n"
      "START {\n"
      "  recover       cmd=\"ctl_cyrusdb -r\"\n"
      "}\n"
      "SERVICES {\n"
      "  imap          cmd=\"imapd\" listen=\"imap\" prefork=5\n"
      "  lmtpunix      cmd=\"lmtpd\" listen=\"/var/lib/cyrus/socket/lmtp\" prefork=0\n"
      "}\n"
      "EVENTS {\n"
      "  checkpoint    cmd=\"ctl_cyrusdb -c\" period=30\n"
      "}\n"
      "DAEMON { idled cmd=\"idled\" }\n");
  EXPECT_EQ(conf.path, "cyrus.conf");
  ASSERT_EQ(conf.start.size(), 1u);
  EXPECT_EQ(conf.start[0].name, "recover");
  EXPECT_EQ(conf.start[0].line, 3);
  EXPECT_EQ(Value(conf.start[0], "cmd"), "ctl_cyrusdb -r");
  ASSERT_EQ(conf.services.size(), 2u);
  const CyrusConfEntry& imap = conf.services[0];
  EXPECT_EQ(imap.name, "imap");
  ASSERT_EQ(imap.args.size(), 3u);
  EXPECT_EQ(imap.args[0].key, "cmd");
  EXPECT_EQ(imap.args[1].key, "listen");
  EXPECT_EQ(imap.args[2].key, "prefork");
  EXPECT_EQ(imap.args[2].value, "5");
  EXPECT_EQ(imap.args[2].line, 6);
  EXPECT_EQ(Value(conf.services[1], "listen"), "/var/lib/cyrus/socket/lmtp");
  EXPECT_EQ(Value(conf.services[1], "maxchild"), "(unset)");
  ASSERT_EQ(conf.events.size(), 1u);
  EXPECT_EQ(Value(conf.events[0], "period"), "30");
  ASSERT_EQ(conf.daemon.size(), 1u);
  EXPECT_EQ(conf.daemon[0].name, "idled");
  EXPECT_EQ(conf.daemon[0].line, 12);
  EXPECT_EQ(Value(conf.daemon[0], "cmd"), "idled");
  EXPECT_EQ(conf.Where(7), "cyrus.conf:7");
}

TEST(CyrusConf, Lexical) {
  struct Case {
    const char* text;
    const char* key;
    const char* want;
  };
  const Case cases[] = {
      {"START { a cmd=x }", "cmd", "x"},
      {"start{a cmd=x}", "cmd", "x"},        // section names fold case; braces need no blanks
      {"Start {\n a CMD=x\n}", "cmd", "x"},  // keys fold case
      {"START {\n a cmd=\"x  y\"\n}", "cmd", "x  y"},
      {"START {\n a cmd=\"\"\n}", "cmd", ""},
      {"START {\n a cmd=\"a # b\" # comment\n}", "cmd", "a # b"},
      {"START {\n a cmd=x#y\n}", "cmd", "x#y"},  // '#' inside a word is text
      {"START {\n a cmd=\"{}\"\n}", "cmd", "{}"},
      {"START {\n a cmd=\"x=y\"\n}", "cmd", "x=y"},
      {"START {\n a cmd=x=y\n}", "cmd", "x=y"},
      {"START {\n a cmd='x'\n}", "cmd", "'x'"},              // only double quotes quote
      {"START {\n a cmd=\"C:\\dir\"\n}", "cmd", "C:\\dir"},  // no escapes
      {"START {\r\n a cmd=\"x\"\r\n}\r\n", "cmd", "x"},      // CRLF
      {"START {\n a\n   cmd=x\n}", "cmd", "x"},              // an entry continues on the next line
      {"START {\n a cmd=x}", "cmd", "x"},
      {"START {\n a\tcmd=\"x\"\tlisten=y\n}", "listen", "y"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    CyrusConf conf = MustParse(c.text);
    ASSERT_EQ(conf.start.size(), 1u);
    EXPECT_EQ(conf.start[0].name, "a");
    EXPECT_EQ(Value(conf.start[0], c.key), c.want);
  }
}

TEST(CyrusConf, ContinuationLinesBelongToThePreviousEntry) {
  CyrusConf conf = MustParse(
      "SERVICES {\n"
      "  imap cmd=\"imapd\"\n"
      "       listen=\"imap\"\n"
      "       prefork=1 # still imap\n"
      "  pop3 cmd=\"pop3d\"\n"
      "}\n");
  ASSERT_EQ(conf.services.size(), 2u);
  EXPECT_EQ(Value(conf.services[0], "listen"), "imap");
  EXPECT_EQ(conf.services[0].args[1].line, 3);
  EXPECT_EQ(Value(conf.services[0], "prefork"), "1");
  EXPECT_EQ(conf.services[1].args.size(), 1u);
}

TEST(CyrusConf, EmptyFileSectionsAndEntries) {
  CyrusConf empty = MustParse("");
  EXPECT_TRUE(empty.start.empty() && empty.services.empty() && empty.events.empty() &&
              empty.daemon.empty());
  MustParse("# only comments\n\n   \n");
  MustParse("START {\n}\nSERVICES {}\nEVENTS { }\n");
  CyrusConf bare = MustParse("START { recover }");
  ASSERT_EQ(bare.start.size(), 1u);
  EXPECT_TRUE(bare.start[0].args.empty());  // the master decides that cmd is missing
}

TEST(CyrusConf, NamesMayRepeatAcrossSectionsAndRepeatedSectionsAppend) {
  CyrusConf conf = MustParse(
      "START { delprune cmd=a }\nEVENTS { delprune cmd=b at=0400 }\n"
      "SERVICES { imap cmd=imapd }\nSERVICES { pop3 cmd=pop3d }\n");
  EXPECT_EQ(Value(conf.start[0], "cmd"), "a");
  EXPECT_EQ(Value(conf.events[0], "cmd"), "b");
  ASSERT_EQ(conf.services.size(), 2u);
  EXPECT_EQ(ParseError("SERVICES { imap cmd=a }\nSERVICES { imap cmd=b }\n"),
            "cyrus.conf:2: duplicate entry 'imap' in SERVICES (first on line 1)");
}

TEST(CyrusConf, MalformedFilesAreErrorsWithFileAndLine) {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"START {\n a cmd=\"unterminated\n}\n",
       "cyrus.conf:2: unterminated quote in the value of 'cmd'"},
      {"START {\n a cmd=\"no end", "cyrus.conf:2: unterminated quote in the value of 'cmd'"},
      {"SERVERS {\n}\n",
       "cyrus.conf:1: unknown section 'SERVERS' (START, SERVICES, EVENTS or DAEMON)"},
      {"START\n a cmd=x\n}\n", "cyrus.conf:2: missing '{' after START"},
      {"START", "cyrus.conf:1: missing '{' after START"},
      {"START {\n a cmd=x\n", "cyrus.conf:3: missing '}' for the START section opened on line 1"},
      {"\nSERVICES {\n imap cmd=x\nEVENTS {\n",
       "cyrus.conf:4: nested '{' inside the SERVICES section"},
      {"START {\n a cmd=x\n}\n}\n", "cyrus.conf:4: '}' without an open section"},
      {"{\n}\n", "cyrus.conf:1: '{' without a section name"},
      {"START {\n a cmd\n}\n", "(parsed)"},  // "cmd" is a second entry name...
      {"START {\n a cmd=1\n b cmd=2\n a x=1\n}\n",
       "cyrus.conf:4: duplicate entry 'a' in START (first on line 2)"},
      {"START {\n cmd=x\n}\n", "cyrus.conf:2: 'cmd=' before any entry name in START"},
      {"cmd=x\n", "cyrus.conf:1: 'cmd=' outside a section"},
      {"recover cmd=x\n",
       "cyrus.conf:1: unknown section 'recover' (START, SERVICES, EVENTS "
       "or DAEMON)"},
      {"START {\n a cmd=x cmd=y\n}\n", "cyrus.conf:2: 'cmd' given twice for 'a'"},
      {"START {\n a cmd=x CMD=y\n}\n", "cyrus.conf:2: 'cmd' given twice for 'a'"},
      {"START {\n a cmd=\n}\n", "cyrus.conf:2: missing value after 'cmd='"},
      {"START {\n a cmd= x\n}\n", "cyrus.conf:2: missing value after 'cmd='"},
      {"START {\n a =x\n}\n", "cyrus.conf:2: '=' without a key before it"},
      {"START {\n a cmd=\"x\"y\n}\n", "cyrus.conf:2: text right after the closing quote of 'cmd'"},
      {"START {\n a cmd=x\"y\"\n}\n", "cyrus.conf:2: stray '\"' in the value of 'cmd'"},
      {"START {\n \"a\" cmd=x\n}\n", "cyrus.conf:2: quoted text without a key= before it"},
      {"START {\n a\"b\" cmd=x\n}\n", "cyrus.conf:2: '\"' inside the name 'a'"},
      {"START {\n a/b cmd=x\n}\n",
       "cyrus.conf:2: bad entry name 'a/b' (letters, digits, '.', '-' and '_' only)"},
      {"START {\n a c.md=x\n}\n", "cyrus.conf:2: bad key 'c.md'"},
      {"START {\n a c/md=x\n}\n", "cyrus.conf:2: bad key 'c/md'"},
      {"START {\n a cmd=x\n} garbage\n", "cyrus.conf:3: unexpected text after '}'"},
      {"START {\n a cmd=x\n} EVENTS {\n}\n", "cyrus.conf:3: unexpected text after '}'"},
      {"START {\n a cmd=x\n} # comment\nEVENTS {\n}\n", "(parsed)"},
      {"START { a cmd=x } }", "cyrus.conf:1: unexpected text after '}'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ParseError(c.text), c.want);
  }
}

TEST(CyrusConf, NulBytesAreErrors) {
  auto with_nul = [](std::string before, std::string after) {
    return before + std::string(1, '\0') + after;
  };
  for (const std::string& text :
       {with_nul("START {\n a cmd=x", "y\n}\n"), with_nul("START {\n a cmd=\"x", "y\"\n}\n"),
        with_nul("START {\n a", "b cmd=x\n}\n"), with_nul("START {\n", "\n}\n")}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseError(text), "cyrus.conf:2: NUL byte");
  }
}

TEST(CyrusConf, VeryLongValuesAndManyEntries) {
  std::string value(100000, 'v');
  CyrusConf conf = MustParse("SERVICES {\n s cmd=\"" + value + "\"\n}\n");
  EXPECT_EQ(Value(conf.services[0], "cmd").size(), value.size());
  std::string many = "SERVICES {\n";
  for (int i = 0; i < 2000; ++i)
    many += " s" + std::to_string(i) + " cmd=x listen=" + std::to_string(10000 + i) + "\n";
  many += "}\n";
  EXPECT_EQ(MustParse(many).services.size(), 2000u);
}

TEST(CyrusConf, LoadOfAMissingFileSaysSo) {
  Result<CyrusConf> conf = LoadCyrusConf("/tmp/satrap_config_no_such_dir/cyrus.conf");
  ASSERT_FALSE(conf.ok());
  EXPECT_TRUE(conf.status().IsMissingFile()) << conf.status().ToString();
}

// The Debian guide's cyrus.conf (seed 001), as printed there.
TEST(CyrusConf, SeedDebianGuideParses) {
  const std::string path = SATRAP_CONFIG_TESTDATA "/debian_cyrus.conf";
  Result<CyrusConf> loaded = LoadCyrusConf(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const CyrusConf& conf = *loaded;
  EXPECT_EQ(conf.path, path);
  ASSERT_EQ(conf.start.size(), 3u);
  EXPECT_EQ(conf.start[0].name, "recover");
  EXPECT_EQ(Value(conf.start[0], "cmd"), "/usr/sbin/ctl_cyrusdb -r");
  EXPECT_EQ(Value(conf.start[1], "cmd"), "/usr/sbin/cyr_expire -E 3");
  EXPECT_EQ(Value(conf.start[2], "cmd"), "/usr/sbin/tls_prune");
  ASSERT_EQ(conf.services.size(), 4u);
  const char* names[] = {"imap", "imaps", "lmtp", "sieve"};
  const char* cmds[] = {"imapd -U 30", "imapd -s -U 30", "lmtpd", "timsieved"};
  const char* listens[] = {"localhost:imap", "imaps", "localhost:lmtp", "localhost:sieve"};
  const char* maxchild[] = {"10", "10", "3", "10"};
  for (int i = 0; i < 4; ++i) {
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(conf.services[i].name, names[i]);
    EXPECT_EQ(conf.services[i].line, 7 + i);
    EXPECT_EQ(Value(conf.services[i], "cmd"), cmds[i]);
    EXPECT_EQ(Value(conf.services[i], "listen"), listens[i]);
    EXPECT_EQ(Value(conf.services[i], "prefork"), "0");
    EXPECT_EQ(Value(conf.services[i], "maxchild"), maxchild[i]);
  }
  ASSERT_EQ(conf.events.size(), 3u);
  EXPECT_EQ(Value(conf.events[0], "period"), "30");
  EXPECT_EQ(Value(conf.events[1], "at"), "0401");
  EXPECT_EQ(Value(conf.events[2], "at"), "0401");
  EXPECT_TRUE(conf.daemon.empty());
}

TEST(CyrusConf, ShippedSampleParses) {
  Result<CyrusConf> loaded = LoadCyrusConf(SATRAP_CONFIG_TESTDATA "/../../../../etc/cyrus.conf");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::vector<std::string> services;
  for (const CyrusConfEntry& entry : loaded->services) services.push_back(entry.name);
  EXPECT_EQ(services,
            (std::vector<std::string>{"imap", "imaps", "pop3", "pop3s", "lmtpunix", "sieve"}));
  ASSERT_EQ(loaded->events.size(), 3u);
  EXPECT_EQ(Value(loaded->events[0], "period"), "30");
  EXPECT_EQ(Value(loaded->events[1], "at"), "0400");
}

}  // namespace
}  // namespace satrap::config
