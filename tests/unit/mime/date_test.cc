#include "mime/date.h"

#include <gtest/gtest.h>

namespace satrap::mime {
namespace {

// RFC 5322 §3.3 date-time = [ day-of-week "," ] date time [CFWS]; §4.3
// obsolete forms: 2- and 3-digit years, alphabetic zones.
TEST(Date, ParseRfc5322Date) {
  struct Case {
    const char* in;
    std::optional<int64_t> want;
  } cases[] = {
      {"Thu, 01 Jan 1970 00:00:00 +0000", 0},
      {"Fri, 21 Nov 1997 09:55:06 -0600", 880127706},        // RFC 5322 A.1.1
      {"Tue, 1 Jul 2003 10:52:37 +0200", 1057049557},        // A.1.2
      {"21 Nov 97 09:55:06 GMT", 880106106},                 // A.6.2, no day name
      {"Fri, 21 Nov 1997 09(comment):   55  :  06 -0600", 880127706},  // A.5
      {"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)", 837595405},  // RFC 3501 example
      {"Wed, 17 Jul 1996 02:23:25 PDT", 837595405},
      {"Wed, 17 Jul 1996 02:23:25 EST", 837588205},
      {"17 Jul 1996 02:23 +0000", 837570180},                // no seconds
      {"Mon, 1 Jan 2001 00:00:00", 978307200},               // no zone: +0000
      {"1 Jan 101 00:00:00 Z", 978307200},                   // 3-digit year
      {"1 Jan 49 00:00:00 A", 2493072000},                   // 2-digit year < 50, military zone
      {"Sat, 29 Feb 2020 12:00:00 +0130", 1582972200},
      {"", std::nullopt},
      {"yesterday", std::nullopt},
      {"32 Jan 2000 00:00:00", std::nullopt},
      {"1 Foo 2000 00:00:00", std::nullopt},
      {"1 Jan 2000 25:00:00", std::nullopt},
      {"1 Jan 2000 12:61", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(ParseRfc5322Date(c.in), c.want);
  }
}

TEST(Date, DaysFromCivil) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
}

}  // namespace
}  // namespace satrap::mime
