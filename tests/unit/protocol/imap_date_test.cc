// Tests for protocol/imap_date.h (RFC 3501 §9 date, date-time).
#include "protocol/imap_date.h"

#include <gtest/gtest.h>

namespace satrap::protocol {
namespace {

TEST(ImapDate, ParsesDates) {
  struct Row {
    const char* text;
    ImapDate date;
  };
  const Row rows[] = {{"1-Feb-1994", {1994, 2, 1}},  {"01-Feb-1994", {1994, 2, 1}},
                      {"29-feb-2000", {2000, 2, 29}}, {"31-DEC-1999", {1999, 12, 31}},
                      {"1-Jan-1970", {1970, 1, 1}}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    Result<ImapDate> date = ParseImapDate(row.text);
    ASSERT_TRUE(date.ok());
    EXPECT_EQ(*date, row.date);
  }
  EXPECT_EQ(ParseImapDate("1-Jan-1970")->ToUnixMidnightUtc(), 0);
  EXPECT_EQ(ParseImapDate("2-Jan-1970")->ToUnixMidnightUtc(), 86400);
  EXPECT_EQ(FormatImapDate({1994, 2, 1}), "1-Feb-1994");
}

TEST(ImapDate, RejectsBadDates) {
  const char* bad[] = {"",           "1-Feb-94",     "1-Feb-19945", "001-Feb-1994", "1-Fe-1994",
                       "1-Foo-1994", "0-Feb-1994",   "32-Jan-1994", "29-Feb-1900",  "30-Feb-2000",
                       "1 Feb 1994", "1-Feb-1994 ", "a-Feb-1994",  "1-Feb-199a",   "-Feb-1994",
                       "31-Apr-2001"};
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseImapDate(text).code(), Code::kInvalid);
  }
}

TEST(ImapDate, ParsesDateTimes) {
  struct Row {
    const char* text;
    int64_t unix_seconds;
    int offset;
  };
  const Row rows[] = {
      // RFC 3501 §6.3.11 APPEND example.
      {"17-Jul-1996 02:44:25 -0700", 837596665, -420},
      {" 7-Feb-1994 21:52:25 -0800", 760686745, -480},
      {"7-Feb-1994 21:52:25 -0800", 760686745, -480},
      {"01-Jan-1970 00:00:00 +0000", 0, 0},
      {"01-Jan-1970 05:30:00 +0530", 0, 330},
      {"31-Dec-1999 23:59:60 +0000", 946684800, 0},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.text);
    Result<ImapDateTime> dt = ParseImapDateTime(row.text);
    ASSERT_TRUE(dt.ok()) << dt.status().ToString();
    EXPECT_EQ(dt->unix_seconds, row.unix_seconds);
    EXPECT_EQ(dt->offset_minutes, row.offset);
  }
}

TEST(ImapDate, RejectsBadDateTimes) {
  const char* bad[] = {"17-Jul-1996 02:44:25",        "17-Jul-1996 02:44:25 0700",
                       "17-Jul-1996 24:00:00 +0000",  "17-Jul-1996 02:60:00 +0000",
                       "17-Jul-1996 02:44:61 +0000",  "17-Jul-1996 2:44:25 -0700",
                       "17-Jul-1996 02:44:25 -07000", "17-Jul-1996  02:44:25 -0700",
                       "17-Jul-1996 02:44:25 +2400",  "17-Jul-1996 02:44:25 +0060",
                       "  7-Feb-1994 21:52:25 -0800", "17-Jul-1996T02:44:25 -0700",
                       "30-Feb-1996 02:44:25 -0700",  ""};
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseImapDateTime(text).code(), Code::kInvalid);
  }
}

TEST(ImapDate, FormatsDateTimesAndRoundTrips) {
  EXPECT_EQ(FormatImapDateTime(837596665, -420), "17-Jul-1996 02:44:25 -0700");
  EXPECT_EQ(FormatImapDateTime(760686745, -480), " 7-Feb-1994 21:52:25 -0800");
  EXPECT_EQ(FormatImapDateTime(0, 0), " 1-Jan-1970 00:00:00 +0000");
  EXPECT_EQ(FormatImapDateTime(-1, 0), "31-Dec-1969 23:59:59 +0000");
  EXPECT_EQ(FormatImapDateTime(951782400, 0), "29-Feb-2000 00:00:00 +0000");
  for (int64_t t : {int64_t{0}, int64_t{951782400}, int64_t{1700000000}, int64_t{4102444799}}) {
    for (int offset : {-720, -90, 0, 330, 840}) {
      SCOPED_TRACE(t);
      Result<ImapDateTime> back = ParseImapDateTime(FormatImapDateTime(t, offset));
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(back->unix_seconds, t);
      EXPECT_EQ(back->offset_minutes, offset);
    }
  }
}

}  // namespace
}  // namespace satrap::protocol
