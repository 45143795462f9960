// cyrus.conf(5) interpretation: listen=, proto=, prefork/maxchild/babysit,
// period=/at=, cmd splitting, and every kind of bad value.
#include "service_table.h"

#include <gtest/gtest.h>

namespace satrap::master {
namespace {

using Args = std::vector<std::pair<std::string, std::string>>;

config::CyrusConfEntry Entry(std::string name, int line, Args args) {
  config::CyrusConfEntry entry;
  entry.name = std::move(name);
  entry.line = line;
  for (auto& [key, value] : args) entry.args.push_back({key, value, line});
  return entry;
}

config::CyrusConf ServicesConf(Args args) {
  config::CyrusConf conf;
  conf.path = "/etc/cyrus.conf";
  conf.services.push_back(Entry("imap", 7, std::move(args)));
  return conf;
}

TEST(ParseListen, AcceptsEveryCyrusForm) {
  struct Case {
    const char* text;
    bool is_unix;
    const char* host;
    uint16_t port;
  } cases[] = {
      {"imap", false, "", 143},
      {"imaps", false, "", 993},
      {"pop3", false, "", 110},
      {"pop3s", false, "", 995},
      {"lmtp", false, "", 2003},
      {"sieve", false, "", 4190},
      {"fud", false, "", 4201},
      {"1143", false, "", 1143},
      {"127.0.0.1:1143", false, "127.0.0.1", 1143},
      {"localhost:imap", false, "localhost", 143},
      {"[::1]:4190", false, "::1", 4190},
      {"[::]:sieve", false, "::", 4190},
      {"*:143", false, "", 143},
      {"/var/lib/cyrus/socket/lmtp", true, "", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<ListenSpec> spec = ParseListen(c.text, false);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    EXPECT_EQ(spec->is_unix, c.is_unix);
    EXPECT_EQ(spec->host, c.host);
    EXPECT_EQ(spec->port, c.port);
    EXPECT_EQ(spec->text, c.text);
    if (c.is_unix) EXPECT_EQ(spec->path, c.text);
  }
}

TEST(ParseListen, RejectsBadValues) {
  struct Case {
    const char* text;
    const char* reason;
  } cases[] = {
      {"", "empty"},
      {":143", "empty host"},
      {"localhost:", "missing port"},
      {"127.0.0.1:0", "out of range"},
      {"127.0.0.1:65536", "out of range"},
      {"127.0.0.1:99999999999999999999", "out of range"},
      {"127.0.0.1:12ab", "out of range"},
      {"nosuchservice-xyz", "unknown service name"},
      {"localhost:nosuchservice-xyz", "unknown service name"},
      {"[::1", "unclosed"},
      {"[::1]143", "expected ':port'"},
      {"[]:143", "empty IPv6"},
      {"::1:143", "needs brackets"},
      {"socket/lmtp", "unknown service name"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<ListenSpec> spec = ParseListen(c.text, false);
    ASSERT_FALSE(spec.ok());
    EXPECT_EQ(spec.code(), Code::kInvalid);
    EXPECT_NE(spec.status().message().find(c.reason), std::string::npos)
        << spec.status().message();
  }
}

TEST(LookupServicePort, BuiltinTableCoversNamesMissingFromEtcServices) {
  EXPECT_EQ(LookupServicePort("lmtp", false), 2003);
  EXPECT_EQ(LookupServicePort("sieve", false), 4190);
  EXPECT_EQ(LookupServicePort("fud", true), 4201);
  EXPECT_EQ(LookupServicePort("", false), std::nullopt);
}

TEST(SplitCommand, HonoursQuotesAndEscapes) {
  struct Case {
    const char* cmd;
    std::vector<std::string> argv;
  } cases[] = {
      {"imapd", {"imapd"}},
      {"imapd -s -U 30", {"imapd", "-s", "-U", "30"}},
      {"  lmtpd\t-a  ", {"lmtpd", "-a"}},
      {"/bin/sh -c 'echo a b > /tmp/x'", {"/bin/sh", "-c", "echo a b > /tmp/x"}},
      {"prog \"two words\" x", {"prog", "two words", "x"}},
      {"prog a\\ b", {"prog", "a b"}},
      {"prog \"say \\\"hi\\\"\"", {"prog", "say \"hi\""}},
      {"prog ''", {"prog", ""}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.cmd);
    Result<std::vector<std::string>> argv = SplitCommand(c.cmd);
    ASSERT_TRUE(argv.ok()) << argv.status().ToString();
    EXPECT_EQ(*argv, c.argv);
  }
  for (const char* bad : {"", "   ", "prog 'open", "prog \"open", "prog \\"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(SplitCommand(bad).ok());
  }
}

TEST(BuildMasterTable, ServiceDefaultsMatchCyrus) {
  Result<MasterTable> table = BuildMasterTable(ServicesConf({{"cmd", "imapd"}, {"listen", "imap"}}));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->services.size(), 1u);
  const ServiceSpec& s = table->services[0];
  EXPECT_EQ(s.name, "imap");
  EXPECT_EQ(s.argv, std::vector<std::string>{"imapd"});
  EXPECT_EQ(s.proto, Proto::kTcp);
  EXPECT_EQ(s.prefork, 0);
  EXPECT_EQ(s.maxchild, kUnlimited);
  EXPECT_EQ(s.maxforkrate, 0);
  EXPECT_FALSE(s.babysit);
  EXPECT_TRUE(table->warnings.empty());
}

TEST(BuildMasterTable, ServiceKeys) {
  Result<MasterTable> table = BuildMasterTable(ServicesConf({{"cmd", "fud"},
                                                             {"listen", "fud"},
                                                             {"proto", "UDP"},
                                                             {"prefork", "2"},
                                                             {"maxchild", "10"},
                                                             {"maxforkrate", "5"},
                                                             {"babysit", "true"},
                                                             {"maxfds", "256"}}));
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const ServiceSpec& s = table->services[0];
  EXPECT_EQ(s.proto, Proto::kUdp);
  EXPECT_TRUE(IsDatagram(s.proto));
  EXPECT_EQ(s.listen.port, 4201);
  EXPECT_EQ(s.prefork, 2);
  EXPECT_EQ(s.maxchild, 10);
  EXPECT_EQ(s.maxforkrate, 5);
  EXPECT_TRUE(s.babysit);
  EXPECT_TRUE(table->warnings.empty());
}

TEST(BuildMasterTable, PreforkAboveMaxchildIsClampedWithWarning) {
  Result<MasterTable> table = BuildMasterTable(
      ServicesConf({{"cmd", "imapd"}, {"listen", "imap"}, {"prefork", "5"}, {"maxchild", "3"}}));
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->services[0].prefork, 3);
  ASSERT_EQ(table->warnings.size(), 1u);
  EXPECT_NE(table->warnings[0].find("/etc/cyrus.conf:7: imap: prefork=5 exceeds maxchild=3"),
            std::string::npos);
}

TEST(BuildMasterTable, UnknownKeyIsAWarning) {
  Result<MasterTable> table =
      BuildMasterTable(ServicesConf({{"cmd", "imapd"}, {"listen", "imap"}, {"future", "1"}}));
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->warnings.size(), 1u);
  EXPECT_NE(table->warnings[0].find("unknown key 'future'"), std::string::npos);
}

TEST(BuildMasterTable, RejectsBadServiceValuesNamingFileAndLine) {
  struct Case {
    Args args;
    const char* message;
  } cases[] = {
      {{{"listen", "imap"}}, "/etc/cyrus.conf:7: imap: cmd= is required"},
      {{{"cmd", "imapd"}}, "/etc/cyrus.conf:7: imap: listen= is required"},
      {{{"cmd", ""}, {"listen", "imap"}}, "imap: cmd: empty command"},
      {{{"cmd", "imapd 'x"}, {"listen", "imap"}}, "cmd: unbalanced ' quote"},
      {{{"cmd", "imapd"}, {"listen", "[::1"}}, "imap: listen: unclosed '['"},
      {{{"cmd", "imapd"}, {"listen", "imap"}, {"proto", "sctp"}}, "proto: expected tcp"},
      {{{"cmd", "imapd"}, {"listen", "imap"}, {"prefork", "-1"}}, "prefork: not an integer"},
      {{{"cmd", "imapd"}, {"listen", "imap"}, {"prefork", "five"}}, "prefork: not an integer"},
      {{{"cmd", "imapd"}, {"listen", "imap"}, {"maxchild", "0"}}, "maxchild: must be -1"},
      {{{"cmd", "imapd"}, {"listen", "imap"}, {"maxchild", "-2"}}, "maxchild: not an integer"},
      {{{"cmd", "imapd"}, {"listen", "imap"}, {"maxforkrate", "x"}}, "maxforkrate: not an integer"},
      {{{"cmd", "imapd"}, {"listen", "imap"}, {"babysit", "maybe"}}, "babysit: not a boolean"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    Result<MasterTable> table = BuildMasterTable(ServicesConf(c.args));
    ASSERT_FALSE(table.ok());
    EXPECT_EQ(table.code(), Code::kInvalid);
    EXPECT_NE(table.status().message().find(c.message), std::string::npos)
        << table.status().message();
  }
}

TEST(BuildMasterTable, RejectsDuplicateAndBadNames) {
  config::CyrusConf conf = ServicesConf({{"cmd", "imapd"}, {"listen", "imap"}});
  conf.services.push_back(Entry("imap", 9, {{"cmd", "imapd"}, {"listen", "1143"}}));
  Result<MasterTable> table = BuildMasterTable(conf);
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.status().message().find("/etc/cyrus.conf:9: imap: duplicate entry in SERVICES"),
            std::string::npos);

  config::CyrusConf bad_name = ServicesConf({{"cmd", "imapd"}, {"listen", "imap"}});
  bad_name.services[0].name = "im/ap";
  EXPECT_FALSE(BuildMasterTable(bad_name).ok());
}

TEST(BuildMasterTable, EventsPeriodAndAt) {
  config::CyrusConf conf;
  conf.path = "cyrus.conf";
  conf.events.push_back(Entry("checkpoint", 3, {{"cmd", "ctl_cyrusdb -c"}, {"period", "30"}}));
  conf.events.push_back(Entry("delprune", 4, {{"cmd", "cyr_expire -E 3"}, {"at", "0401"}}));
  conf.events.push_back(Entry("early", 5, {{"cmd", "x"}, {"at", "401"}}));
  conf.events.push_back(Entry("once", 6, {{"cmd", "x"}}));
  Result<MasterTable> table = BuildMasterTable(conf);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->events.size(), 4u);
  EXPECT_EQ(table->events[0].period_minutes, 30);
  EXPECT_FALSE(table->events[0].at_hour.has_value());
  EXPECT_EQ(table->events[1].at_hour, 4);
  EXPECT_EQ(table->events[1].at_minute, 1);
  EXPECT_EQ(table->events[2].at_hour, 4);
  EXPECT_EQ(table->events[2].at_minute, 1);
  EXPECT_EQ(table->events[3].period_minutes, 0);
  EXPECT_FALSE(table->events[3].at_hour.has_value());
}

TEST(BuildMasterTable, RejectsBadEvents) {
  struct Case {
    Args args;
    const char* message;
  } cases[] = {
      {{{"cmd", "x"}, {"at", "2400"}}, "at: expected HHMM"},
      {{{"cmd", "x"}, {"at", "1260"}}, "at: expected HHMM"},
      {{{"cmd", "x"}, {"at", "12:30"}}, "at: expected HHMM"},
      {{{"cmd", "x"}, {"at", "00000"}}, "at: expected HHMM"},
      {{{"cmd", "x"}, {"at", ""}}, "at: expected HHMM"},
      {{{"cmd", "x"}, {"period", "-5"}}, "period: not an integer"},
      {{{"cmd", "x"}, {"period", "1h"}}, "period: not an integer"},
      {{{"period", "5"}}, "cmd= is required"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    config::CyrusConf conf;
    conf.path = "cyrus.conf";
    conf.events.push_back(Entry("job", 12, c.args));
    Result<MasterTable> table = BuildMasterTable(conf);
    ASSERT_FALSE(table.ok());
    EXPECT_NE(table.status().message().find("cyrus.conf:12: job: "), std::string::npos)
        << table.status().message();
    EXPECT_NE(table.status().message().find(c.message), std::string::npos)
        << table.status().message();
  }
}

TEST(BuildMasterTable, StartAndDaemonKeepOrder) {
  config::CyrusConf conf;
  conf.path = "cyrus.conf";
  conf.start.push_back(Entry("recover", 2, {{"cmd", "ctl_cyrusdb -r"}}));
  conf.start.push_back(Entry("tlsprune", 3, {{"cmd", "tls_prune"}}));
  conf.daemon.push_back(Entry("idled", 9, {{"cmd", "idled"}}));
  Result<MasterTable> table = BuildMasterTable(conf);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->start.size(), 2u);
  EXPECT_EQ(table->start[0].name, "recover");
  EXPECT_EQ(table->start[0].argv, (std::vector<std::string>{"ctl_cyrusdb", "-r"}));
  EXPECT_EQ(table->start[1].name, "tlsprune");
  ASSERT_EQ(table->daemons.size(), 1u);
  EXPECT_EQ(table->daemons[0].name, "idled");
}

TEST(ServiceSpec, SameSocketIgnoresWorkerSettings) {
  Result<MasterTable> a = BuildMasterTable(ServicesConf({{"cmd", "imapd"}, {"listen", "imap"}}));
  Result<MasterTable> b = BuildMasterTable(
      ServicesConf({{"cmd", "imapd -U 5"}, {"listen", "imap"}, {"prefork", "3"}}));
  Result<MasterTable> c = BuildMasterTable(ServicesConf({{"cmd", "imapd"}, {"listen", "1143"}}));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_TRUE(a->services[0].SameSocket(b->services[0]));
  EXPECT_FALSE(a->services[0] == b->services[0]);
  EXPECT_FALSE(a->services[0].SameSocket(c->services[0]));
}

}  // namespace
}  // namespace satrap::master
