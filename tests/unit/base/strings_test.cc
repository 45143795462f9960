#include "base/strings.h"

#include <gtest/gtest.h>

#include <limits>

namespace satrap {
namespace {

TEST(Strings, ParseUint64) {
  struct Case {
    const char* in;
    std::optional<uint64_t> want;
  } cases[] = {
      {"0", 0},
      {"42", 42},
      {"18446744073709551615", std::numeric_limits<uint64_t>::max()},
      {"18446744073709551616", std::nullopt},
      {"", std::nullopt},
      {"-1", std::nullopt},
      {"1a", std::nullopt},
      {" 1", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(ParseUint64(c.in), c.want);
  }
}

TEST(Strings, ParseInt64) {
  EXPECT_EQ(ParseInt64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseInt64("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseInt64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseInt64("-"), std::nullopt);
  EXPECT_EQ(ParseInt64("-12"), -12);
}

TEST(Strings, SplitKeepsEmptyFields) {
  auto parts = Split("a..b.", '.');
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(parts[3], "");
}

TEST(Strings, SplitWhitespaceDropsRuns) {
  auto parts = SplitWhitespace("  imap \t cmd=imapd  ");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "imap");
  EXPECT_EQ(parts[1], "cmd=imapd");
}

TEST(Strings, CaseHelpers) {
  EXPECT_TRUE(EqualsIgnoreCase("INBOX", "inbox"));
  EXPECT_FALSE(EqualsIgnoreCase("INBOX", "inbox2"));
  EXPECT_TRUE(StartsWithIgnoreCase("Partition-Default", "partition-"));
  EXPECT_EQ(AsciiLower("AbC"), "abc");
  EXPECT_EQ(TrimWhitespace("\t x y \r\n"), "x y");
  EXPECT_EQ(StringPrintf("%s=%d", "n", 7), "n=7");
}


TEST(StringsTest, ContainsIgnoreAsciiCase) {
  EXPECT_TRUE(ContainsIgnoreAsciiCase("Re: Quarterly REPORT", "report"));
  EXPECT_TRUE(ContainsIgnoreAsciiCase("abc", ""));
  EXPECT_TRUE(ContainsIgnoreAsciiCase("aab", "ab"));  // restarts after a partial match
  EXPECT_FALSE(ContainsIgnoreAsciiCase("Report", "reports"));
  EXPECT_FALSE(ContainsIgnoreAsciiCase("r e p", "rep"));
  EXPECT_FALSE(ContainsIgnoreAsciiCase("", "a"));
}

}  // namespace
}  // namespace satrap
