// Values of typed options: booleans, integers, enums, durations, lists.
#include <gtest/gtest.h>

#include "config/imapd_config.h"

namespace satrap::config {
namespace {

// imapd.conf(5): "the values yes, on, t, true and 1 turn the option on, the
// values no, off, f, false and 0 turn the option off."
TEST(ParseBool, EverySpellingInAnyCase) {
  struct Case {
    const char* text;
    bool want;
  };
  const Case cases[] = {
      {"yes", true},  {"YES", true},  {"Yes", true},  {"on", true},     {"ON", true},
      {"On", true},   {"true", true}, {"TRUE", true}, {"True", true},   {"t", true},
      {"T", true},    {"1", true},    {"no", false},  {"NO", false},    {"No", false},
      {"off", false}, {"OFF", false}, {"Off", false}, {"false", false}, {"FALSE", false},
      {"f", false},   {"F", false},   {"0", false},   {"fAlSe", false}, {"oN", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    bool value = !c.want;
    EXPECT_TRUE(ParseBool(c.text, &value));
    EXPECT_EQ(value, c.want);
    Result<Config> config = Config::Parse(std::string("allowplaintext: ") + c.text, "f");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->GetBool("allowplaintext"), c.want);
  }
}

TEST(ParseBool, RejectsEverythingElse) {
  for (const char* text : {"", "y", "n", "2", "-1", "01", "yes!", " yes", "yes ", "tru", "enable",
                           "disabled", "oui", "10"}) {
    SCOPED_TRACE(text);
    bool value = true;
    EXPECT_FALSE(ParseBool(text, &value));
    EXPECT_TRUE(value);  // untouched
  }
}

// imapd.conf(5): "Units are d (days), h (hours), m (minutes) and s (seconds).
// Multiple units can be combined and will be summed together ... If no unit
// is specified, an option-specific backward-compatible default unit is assumed."
TEST(ParseDuration, UnitsAndBareNumbers) {
  struct Case {
    const char* text;
    char bare_unit;
    int64_t want;
  };
  const Case cases[] = {
      {"0", 'm', 0},       {"30", 'm', 1800},    {"30", 's', 30},          {"2", 'd', 172800},
      {"2", 'h', 7200},    {"45s", 'm', 45},     {"32m", 's', 1920},       {"1h", 's', 3600},
      {"3d", 's', 259200}, {"1h30m", 's', 5400}, {"1d2h3m4s", 's', 93784}, {"30m30m", 's', 3600},
      {"90M", 's', 5400},  {"1H", 's', 3600},    {"-1", 'd', -86400},      {"-2h", 'm', -7200},
      {"0s", 'm', 0},      {"007", 's', 7},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    int64_t seconds = -12345;
    EXPECT_TRUE(ParseDuration(c.text, c.bare_unit, &seconds));
    EXPECT_EQ(seconds, c.want);
  }
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* text :
       {"", "-", "m", "h1", "1x", "1 h", " 1", "1h ", "1h30", "1.5h", "+1", "--1", "1-h", "1hh",
        "ten", "99999999999999999999", "9223372036854775807m", "153722867280912931m"}) {
    SCOPED_TRACE(text);
    int64_t seconds = 7;
    EXPECT_FALSE(ParseDuration(text, 's', &seconds));
    EXPECT_EQ(seconds, 7);
  }
  int64_t seconds;
  EXPECT_FALSE(ParseDuration("5", 'x', &seconds));  // bad bare unit
}

TEST(ImapdValues, IntegersAcceptSignsOnlyAsMinus) {
  struct Case {
    const char* text;
    bool ok;
    int64_t want;
  };
  const Case cases[] = {
      {"0", true, 0},
      {"42", true, 42},
      {"-1", true, -1},
      {"0042", true, 42},
      {"9223372036854775807", true, INT64_MAX},
      {"-9223372036854775808", true, INT64_MIN},
      {"9223372036854775808", false, 0},
      {"1k", false, 0},
      {"0x10", false, 0},
      {"1e3", false, 0},
      {"- 1", false, 0},
      {"1 2", false, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<Config> config = Config::Parse(std::string("maxmessagesize: ") + c.text, "f");
    EXPECT_EQ(config.ok(), c.ok) << (config.ok() ? "" : config.status().ToString());
    if (config.ok()) {
      EXPECT_EQ(config->GetInt("maxmessagesize"), c.want);
    }
  }
}

TEST(ImapdValues, EnumsFoldCaseAndAcceptBooleansForOnOff) {
  struct Case {
    const char* line;
    const char* key;
    const char* want;
  };
  const Case cases[] = {
      {"virtdomains: userid", "virtdomains", "userid"},
      {"virtdomains: UserID", "virtdomains", "userid"},
      {"virtdomains: yes", "virtdomains", "on"},  // Cyrus 2 switch
      {"virtdomains: 1", "virtdomains", "on"},
      {"virtdomains: false", "virtdomains", "off"},
      {"idlemethod: no", "idlemethod", "no"},
      {"idlemethod: off", "idlemethod", "no"},
      {"idlemethod: IDLED", "idlemethod", "idled"},
      {"delete_mode: delayed", "delete_mode", "delayed"},
      {"expunge_mode: semidelayed", "expunge_mode", "semidelayed"},
      {"tls_client_certs: require", "tls_client_certs", "require"},
      {"syslog_facility: LOCAL6", "syslog_facility", "local6"},
      {"serverinfo: min", "serverinfo", "min"},
      {"uidl_format: dovecot", "uidl_format", "dovecot"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Result<Config> config = Config::Parse(c.line, "f");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->GetString(c.key), c.want);
  }
  for (const char* line : {"delete_mode: yes", "expunge_mode: on", "tls_client_certs: maybe",
                           "uidl_format: ", "virtdomains: userid on"}) {
    SCOPED_TRACE(line);
    EXPECT_FALSE(Config::Parse(line, "f").ok());
  }
}

TEST(ImapdValues, DurationOptionsUseTheirHistoricalBareUnit) {
  struct Case {
    const char* line;
    const char* key;
    int64_t seconds;
    int64_t get_int;  // in the bare unit
  };
  const Case cases[] = {
      {"timeout: 45", "timeout", 2700, 45},
      {"timeout: 1h", "timeout", 3600, 60},
      {"timeout: 90s", "timeout", 90, 1},  // truncated
      {"poptimeout: 15", "poptimeout", 900, 15},
      {"popminpoll: 1", "popminpoll", 60, 1},
      {"popexpiretime: 7", "popexpiretime", 604800, 7},
      {"popexpiretime: -1", "popexpiretime", -86400, -1},
      {"tls_session_timeout: 1440", "tls_session_timeout", 86400, 1440},
      {"client_timeout: 20", "client_timeout", 20, 20},
      {"imapidlepoll: 2m", "imapidlepoll", 120, 120},
      {"sieve_vacation_min_response: 1d", "sieve_vacation_min_response", 86400, 86400},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Result<Config> config = Config::Parse(c.line, "f");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->GetDuration(c.key), c.seconds);
    EXPECT_EQ(config->GetInt(c.key), c.get_int);
  }
}

TEST(ImapdValues, ListsSplitOnAnyWhitespace) {
  Result<Config> config = Config::Parse("admins: \tcyrus  admin\tother \n", "f");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->GetList("admins"), (std::vector<std::string>{"cyrus", "admin", "other"}));
  EXPECT_EQ(config->GetList("defaultacl"), (std::vector<std::string>{"anyone", "lrs"}));
  Result<Config> versions = Config::Parse("tls_versions: TLS1_3", "f");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_EQ(versions->GetList("tls_versions"), (std::vector<std::string>{"TLS1_3"}));
}

using ImapdValuesDeathTest = ::testing::Test;

TEST(ImapdValuesDeathTest, AskingForAnUnknownOptionOrTheWrongTypeIsABug) {
  Config config;
  EXPECT_DEATH(config.GetString("no_such_option"), "no_such_option");
  EXPECT_DEATH(config.GetBool("timeout"), "GetBool\\(\"timeout\"\\) on a duration option");
  EXPECT_DEATH(config.GetInt("allowplaintext"), "GetInt");
  EXPECT_DEATH(config.GetDuration("quotawarn"), "GetDuration");
  EXPECT_DEATH(config.GetList("timeout"), "GetList");
  EXPECT_DEATH(config.GetBool("imap", "partition-default"), "partition-default");
}

}  // namespace
}  // namespace satrap::config
