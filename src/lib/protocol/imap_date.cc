#include "protocol/imap_date.h"

#include "base/strings.h"

namespace satrap::protocol {
namespace {

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Exactly `digits` decimal digits.
bool ParseFixed(std::string_view text, size_t digits, int* value) {
  if (text.size() != digits) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

// date-day "-" date-month "-" date-year, with the day already split off.
Result<ImapDate> ParseDayMonthYear(std::string_view day, std::string_view rest) {
  ImapDate date;
  if (!(ParseFixed(day, 1, &date.day) || ParseFixed(day, 2, &date.day))) {
    return Status::Invalid("bad day");
  }
  if (rest.size() != 9 || rest[0] != '-' || rest[4] != '-') return Status::Invalid("bad date");
  std::string_view month = rest.substr(1, 3);
  for (int i = 0; i < 12; ++i) {
    if (EqualsIgnoreCase(month, kMonths[i])) date.month = i + 1;
  }
  if (date.month == 0) return Status::Invalid("bad month");
  if (!ParseFixed(rest.substr(5), 4, &date.year)) return Status::Invalid("bad year");
  if (date.day < 1 || date.day > DaysInMonth(date.year, date.month)) {
    return Status::Invalid("no such day");
  }
  return date;
}

}  // namespace

int64_t DaysFromCivil(int year, int month, int day) {
  // Howard Hinnant's days_from_civil.
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t ImapDate::ToUnixMidnightUtc() const { return DaysFromCivil(year, month, day) * 86400; }

Result<ImapDate> ParseImapDate(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) return Status::Invalid("bad date");
  return ParseDayMonthYear(text.substr(0, dash), text.substr(dash));
}

Result<ImapDateTime> ParseImapDateTime(std::string_view text) {
  if (!text.empty() && text[0] == ' ') text.remove_prefix(1);
  size_t dash = text.find('-');
  if (dash == std::string_view::npos || dash + 9 > text.size()) return Status::Invalid("bad date-time");
  SATRAP_ASSIGN_OR_RETURN(ImapDate date,
                          ParseDayMonthYear(text.substr(0, dash), text.substr(dash, 9)));
  // SP time SP zone: " HH:MM:SS +HHMM"
  std::string_view rest = text.substr(dash + 9);
  int hour, minute, second, zone_hours, zone_minutes;
  if (rest.size() != 15 || rest[0] != ' ' || rest[3] != ':' || rest[6] != ':' || rest[9] != ' ' ||
      (rest[10] != '+' && rest[10] != '-') || !ParseFixed(rest.substr(1, 2), 2, &hour) ||
      !ParseFixed(rest.substr(4, 2), 2, &minute) || !ParseFixed(rest.substr(7, 2), 2, &second) ||
      !ParseFixed(rest.substr(11, 2), 2, &zone_hours) ||
      !ParseFixed(rest.substr(13, 2), 2, &zone_minutes)) {
    return Status::Invalid("bad date-time");
  }
  // A leap second (60) is accepted and folded into the next minute.
  if (hour > 23 || minute > 59 || second > 60 || zone_hours > 23 || zone_minutes > 59) {
    return Status::Invalid("bad time");
  }
  int offset = (zone_hours * 60 + zone_minutes) * (rest[10] == '-' ? -1 : 1);
  int64_t local = date.ToUnixMidnightUtc() + hour * 3600 + minute * 60 + second;
  return ImapDateTime{local - int64_t{offset} * 60, offset};
}

std::string FormatImapDateTime(int64_t unix_seconds, int offset_minutes) {
  int64_t local = unix_seconds + int64_t{offset_minutes} * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t secs = local - days * 86400;
  // civil_from_days (Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2));
  int abs_offset = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return StringPrintf("%2d-%s-%04d %02d:%02d:%02d %c%02d%02d", day,
                      std::string(kMonths[month - 1]).c_str(), year,
                      static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                      static_cast<int>(secs % 60), offset_minutes < 0 ? '-' : '+',
                      abs_offset / 60, abs_offset % 60);
}

std::string FormatImapDate(const ImapDate& date) {
  return StringPrintf("%d-%s-%04d", date.day, std::string(kMonths[date.month - 1]).c_str(),
                      date.year);
}

}  // namespace satrap::protocol
