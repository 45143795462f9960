// IMAP dates (RFC 3501 §9): date ("1-Feb-1994", used by SEARCH) and
// date-time ("17-Jul-1996 02:44:25 -0700", INTERNALDATE and APPEND).
//
// Pure functions; times are seconds since the Unix epoch (UTC), zones are
// offsets in minutes east of UTC. Month names are English and matched
// case-insensitively on input, written "Jan".."Dec" on output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::protocol {

struct ImapDate {
  int year = 0;   // 4 digits
  int month = 0;  // 1..12
  int day = 0;    // 1..31, valid for the month
  bool operator==(const ImapDate&) const = default;
  // Seconds since the epoch at 00:00:00 UTC of this day.
  int64_t ToUnixMidnightUtc() const;
};

struct ImapDateTime {
  int64_t unix_seconds = 0;  // the instant, UTC
  int offset_minutes = 0;    // the zone it was written in
  bool operator==(const ImapDateTime&) const = default;
};

// date = date-text / DQUOTE date-text DQUOTE (the quotes are the string
// parser's; pass the value); date-text = date-day "-" date-month "-" date-year;
// date-day = 1*2DIGIT. kInvalid for anything else, including 31-Feb.
Result<ImapDate> ParseImapDate(std::string_view text);

// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone
// DQUOTE (pass the value without quotes); date-day-fixed = (SP DIGIT) / 2DIGIT.
// A single-digit day without the leading space is accepted too, as Cyrus does.
// zone = ("+" / "-") 4DIGIT, hours at most 23 and minutes below 60. kInvalid
// otherwise (also for a time past 23:59:60).
Result<ImapDateTime> ParseImapDateTime(std::string_view text);

// " 1-Feb-1994" form of date-day-fixed: "17-Jul-1996 02:44:25 -0700".
std::string FormatImapDateTime(int64_t unix_seconds, int offset_minutes);
// "1-Feb-1994".
std::string FormatImapDate(const ImapDate& date);

// Days since 1970-01-01 of a proleptic Gregorian date (negative before).
int64_t DaysFromCivil(int year, int month, int day);

}  // namespace satrap::protocol
