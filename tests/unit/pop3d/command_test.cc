// POP3 command-line parsing (src/pop3d/command.h).
//
// RFC 1939 §3: "Commands in the POP3 consist of a case-insensitive keyword,
// possibly followed by one or more arguments. ... Keywords and arguments are
// each separated by a single SPACE character."
// RFC 1939 §7 (PASS): "Since the PASS command has exactly one argument, a
// POP3 server may treat spaces in the argument as part of the password."
#include "pop3d/command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace satrap::pop3d {
namespace {

struct GoodCase {
  std::string line;
  std::string keyword;
  std::vector<std::string> args;
  std::string rest;
};

TEST(Pop3Command, ParsesKeywordsAndArguments) {
  const GoodCase cases[] = {
      {"QUIT", "QUIT", {}, ""},
      {"quit", "QUIT", {}, ""},
      {"StAt", "STAT", {}, ""},
      {"LIST 1", "LIST", {"1"}, "1"},
      {"TOP 1 10", "TOP", {"1", "10"}, "1 10"},
      {"TOP  1\t10", "TOP", {"1", "10"}, " 1\t10"},  // liberal separators, as Cyrus
      {"USER alice", "USER", {"alice"}, "alice"},
      {"PASS my secret  pass", "PASS", {}, "my secret  pass"},
      {"PASS  lead", "PASS", {}, " lead"},           // only one space is the separator
      {"PASS ", "PASS", {}, ""},
      {"AUTH PLAIN AGFsaWNlAHNlY3JldA==", "AUTH", {"PLAIN", "AGFsaWNlAHNlY3JldA=="},
       "PLAIN AGFsaWNlAHNlY3JldA=="},
      {"AUTH ", "AUTH", {}, ""},                     // Outlook's "AUTH " discovery
      {"APOP mrose c4c9334bac560ecc979e58001b3e22fb", "APOP",
       {"mrose", "c4c9334bac560ecc979e58001b3e22fb"}, "mrose c4c9334bac560ecc979e58001b3e22fb"},
      {"NOOP extra", "NOOP", {"extra"}, "extra"},
  };
  for (const GoodCase& c : cases) {
    SCOPED_TRACE(c.line);
    Result<Command> command = ParseCommand(c.line);
    ASSERT_TRUE(command.ok()) << command.status().ToString();
    EXPECT_EQ(command->keyword, c.keyword);
    EXPECT_EQ(command->args, c.args);
    EXPECT_EQ(command->rest, c.rest);
  }
}

TEST(Pop3Command, RejectsWhatCannotBeACommand) {
  const std::string cases[] = {
      "",                                  // empty line
      " QUIT",                             // leading space: empty keyword
      "\tLIST",                            //
      "RE TR",                             // fine as "RE" + arg; see below
      std::string("QU\0IT", 5),            // NUL
      std::string("LIST 1\0", 7),          // NUL in an argument
      "LIST1",                             // digits in the keyword
      "QUIT!",                             // punctuation
      "\xc3\xa9TAT",                       // 8-bit
      std::string(kMaxKeyword + 1, 'A'),   // too long
  };
  for (const std::string& line : cases) {
    SCOPED_TRACE(testing::PrintToString(line));
    Result<Command> command = ParseCommand(line);
    if (line == "RE TR") {
      ASSERT_TRUE(command.ok());
      EXPECT_EQ(command->keyword, "RE");  // unknown to the table, not to the parser
      continue;
    }
    EXPECT_FALSE(command.ok());
    EXPECT_EQ(command.code(), Code::kInvalid);
  }
}

TEST(Pop3Command, LongestKeywordIsAccepted) {
  Result<Command> command = ParseCommand(std::string(kMaxKeyword, 'x'));
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->keyword, std::string(kMaxKeyword, 'X'));
}

TEST(Pop3Command, ParsesMessageNumbers) {
  // RFC 1939 §3: message-number is a decimal number.
  const struct {
    std::string text;
    bool ok;
    uint32_t value;
  } cases[] = {
      {"1", true, 1},          {"0", true, 0},  // 0 parses; "no such message" is the caller's
      {"007", true, 7},        {"4294967295", true, 4294967295u},
      {"4294967296", false, 0}, {"99999999999999999999999", false, 0},
      {"", false, 0},          {"-1", false, 0}, {"+1", false, 0},
      {"1 ", false, 0},        {" 1", false, 0}, {"1a", false, 0},
      {"0x10", false, 0},      {"1.0", false, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    Result<uint32_t> n = ParseNumber(c.text);
    EXPECT_EQ(n.ok(), c.ok);
    if (c.ok && n.ok()) {
      EXPECT_EQ(*n, c.value);
    }
  }
}

}  // namespace
}  // namespace satrap::pop3d
