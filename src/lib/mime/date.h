// RFC 5322 §3.3 date-time parsing, with the obsolete forms of §4.3, for
// SEARCH SENTBEFORE/SENTON/SENTSINCE and for the INTERNALDATE fallback when
// lmtpd has no better time. Pure; no locale, no time zone database.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace satrap::mime {

// Seconds since 1970-01-01T00:00:00Z for a Date: value such as
// "Fri, 21 Nov 1997 09:55:06 -0600" (comments, a missing day name, missing
// seconds, two- and three-digit years, and the alphabetic zones UT, GMT,
// EST..PDT and military letters accepted; an unknown or missing zone is
// read as +0000, as RFC 5322 §4.3 advises). nullopt when no date is found.
std::optional<int64_t> ParseRfc5322Date(std::string_view value);

// Days since 1970-01-01 for a proleptic Gregorian date (month 1-12).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace satrap::mime
