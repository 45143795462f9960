#include "mime/date.h"

#include <string>
#include <vector>

#include "base/strings.h"
#include "mime/lexer.h"

namespace satrap::mime {
namespace {

std::optional<int> ParseSmallNumber(const std::string& s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  std::optional<uint64_t> n = ParseUint64(s);
  if (!n) return std::nullopt;
  return static_cast<int>(*n);
}

std::optional<int> MonthNumber(const std::string& s) {
  static const char* const kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() < 3) return std::nullopt;
  for (int i = 0; i < 12; ++i) {
    if (StartsWithIgnoreCase(s, kMonths[i])) return i + 1;
  }
  return std::nullopt;
}

// Offset in minutes east of UTC.
int ZoneOffset(const std::string& zone) {
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    std::optional<int> hhmm = ParseSmallNumber(zone.substr(1), 4);
    if (hhmm && *hhmm % 100 < 60) {
      int minutes = (*hhmm / 100) * 60 + *hhmm % 100;
      return zone[0] == '-' ? -minutes : minutes;
    }
    return 0;
  }
  static const struct {
    const char* name;
    int hours;
  } kZones[] = {{"EDT", -4}, {"EST", -5}, {"CDT", -5}, {"CST", -6},
                {"MDT", -6}, {"MST", -7}, {"PDT", -7}, {"PST", -8}};
  for (const auto& z : kZones) {
    if (EqualsIgnoreCase(zone, z.name)) return z.hours * 60;
  }
  return 0;  // UT, GMT, Z, military letters and anything unknown
}

}  // namespace

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  // Howard Hinnant's days_from_civil.
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t yoe = year - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::optional<int64_t> ParseRfc5322Date(std::string_view value) {
  std::vector<std::string> words;  // atoms and the ':' separators, comments gone
  for (Token& t : Tokenize(value, LexMode::kRfc5322)) {
    if (t.kind == TokenKind::kAtom || (t.kind == TokenKind::kSpecial && t.text == ":")) {
      words.push_back(std::move(t.text));
    }
    if (words.size() > 16) break;
  }
  size_t i = 0;
  if (i < words.size() && !words[i].empty() && !(words[i][0] >= '0' && words[i][0] <= '9')) {
    ++i;  // day-of-week
  }
  if (i + 3 > words.size()) return std::nullopt;
  std::optional<int> day = ParseSmallNumber(words[i], 2);
  std::optional<int> month = MonthNumber(words[i + 1]);
  std::optional<int> year = ParseSmallNumber(words[i + 2], 4);
  if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
  size_t year_digits = words[i + 2].size();
  if (year_digits == 2) *year += *year < 50 ? 2000 : 1900;
  if (year_digits == 3) *year += 1900;
  i += 3;
  int hour = 0, minute = 0, second = 0;
  if (i + 3 <= words.size() && words[i + 1] == ":") {
    std::optional<int> h = ParseSmallNumber(words[i], 2);
    std::optional<int> m = ParseSmallNumber(words[i + 2], 2);
    if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
    hour = *h, minute = *m;
    i += 3;
    if (i + 2 <= words.size() && words[i] == ":") {
      std::optional<int> s = ParseSmallNumber(words[i + 1], 2);
      if (!s || *s > 60) return std::nullopt;
      second = *s;
      i += 2;
    }
  }
  int zone = i < words.size() ? ZoneOffset(words[i]) : 0;
  int64_t days = DaysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  return days * 86400 + hour * 3600 + minute * 60 + second - int64_t{zone} * 60;
}

}  // namespace satrap::mime
