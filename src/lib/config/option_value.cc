#include "config/option_value.h"

#include <limits>

#include "base/check.h"
#include "base/strings.h"

namespace satrap::config {

namespace {

int64_t UnitSeconds(char unit) {
  switch (unit) {
    case 's':
    case 'S':
      return 1;
    case 'm':
    case 'M':
      return 60;
    case 'h':
    case 'H':
      return 3600;
    case 'd':
    case 'D':
      return 86400;
    default:
      return 0;
  }
}

// a*b+c without overflow; false when it would not fit.
bool MulAdd(int64_t a, int64_t b, int64_t c, int64_t* out) {
  int64_t product;
  if (__builtin_mul_overflow(a, b, &product)) return false;
  return !__builtin_add_overflow(product, c, out);
}

}  // namespace

bool ParseBool(std::string_view text, bool* value) {
  static constexpr std::string_view kTrue[] = {"yes", "on", "true", "t", "1"};
  static constexpr std::string_view kFalse[] = {"no", "off", "false", "f", "0"};
  for (std::string_view word : kTrue) {
    if (EqualsIgnoreCase(text, word)) {
      *value = true;
      return true;
    }
  }
  for (std::string_view word : kFalse) {
    if (EqualsIgnoreCase(text, word)) {
      *value = false;
      return true;
    }
  }
  return false;
}

bool ParseDuration(std::string_view text, char bare_unit, int64_t* seconds) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return false;
  if (auto bare = ParseUint64(text)) {
    int64_t unit = UnitSeconds(bare_unit);
    if (unit == 0 || *bare > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return false;
    }
    int64_t total;
    if (!MulAdd(static_cast<int64_t>(*bare), unit, 0, &total)) return false;
    *seconds = negative ? -total : total;
    return true;
  }
  // Cyrus imapd.conf(5): "Multiple units can be combined and will be summed
  // together, for example 1h30m is equivalent to 90m."
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t digits = i;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == i || digits == text.size()) return false;  // no number, or no unit
    auto number = ParseUint64(text.substr(i, digits - i));
    int64_t unit = UnitSeconds(text[digits]);
    if (!number || unit == 0 ||
        *number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return false;
    }
    if (!MulAdd(static_cast<int64_t>(*number), unit, total, &total)) return false;
    i = digits + 1;
  }
  *seconds = negative ? -total : total;
  return true;
}

namespace internal {

std::string Quote(std::string_view text) {
  constexpr size_t kMax = 60;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMax)) + "...'";
}

int64_t BareUnitSeconds(const OptionInfo& option) {
  CHECK(option.type == OptionType::kDuration && option.allowed != nullptr) << option.name;
  int64_t unit = UnitSeconds(option.allowed[0]);
  CHECK(unit != 0) << option.name;
  return unit;
}

namespace {

// An enum value in the table's spelling. Boolean spellings map onto on/off
// (or no), because Cyrus turned switches such as virtdomains into enums and
// old configs still say "virtdomains: yes".
bool MatchEnum(std::string_view allowed, std::string_view text, std::string* out) {
  std::vector<std::string_view> words = SplitWhitespace(allowed);
  for (std::string_view word : words) {
    if (EqualsIgnoreCase(word, text)) {
      *out = std::string(word);
      return true;
    }
  }
  bool flag;
  if (!ParseBool(text, &flag)) return false;
  for (std::string_view word : words) {
    if ((flag && (word == "on" || word == "yes")) || (!flag && (word == "off" || word == "no"))) {
      *out = std::string(word);
      return true;
    }
  }
  return false;
}

Status CheckListWords(const OptionInfo& option, std::string_view text) {
  if (option.allowed == nullptr) return Status();
  std::vector<std::string_view> allowed = SplitWhitespace(option.allowed);
  for (std::string_view word : SplitWhitespace(text)) {
    bool known = false;
    for (std::string_view candidate : allowed) known = known || EqualsIgnoreCase(word, candidate);
    if (!known) {
      return Status::Invalid("unknown word " + Quote(word) + " (allowed: " + option.allowed + ")");
    }
  }
  return Status();
}

}  // namespace

Result<ParsedValue> ParseOptionValue(const OptionInfo& option, std::string_view text) {
  ParsedValue value;
  value.text = std::string(text);
  switch (option.type) {
    case OptionType::kString:
      break;
    case OptionType::kStringList:
      SATRAP_RETURN_IF_ERROR(CheckListWords(option, text));
      break;
    case OptionType::kInt: {
      std::optional<int64_t> number = ParseInt64(text);
      if (!number) return Status::Invalid("not an integer: " + Quote(text));
      value.number = *number;
      break;
    }
    case OptionType::kBool: {
      bool flag;
      if (!ParseBool(text, &flag)) {
        return Status::Invalid("not a boolean (yes/no, on/off, true/false, t/f, 1/0): " +
                               Quote(text));
      }
      value.number = flag ? 1 : 0;
      break;
    }
    case OptionType::kEnum:
      if (!MatchEnum(option.allowed, text, &value.text)) {
        return Status::Invalid("not one of " + std::string(option.allowed) + ": " + Quote(text));
      }
      break;
    case OptionType::kDuration:
      if (!ParseDuration(text, option.allowed[0], &value.number)) {
        return Status::Invalid(
            "not a duration (a number with an optional d/h/m/s unit, "
            "bare numbers in " +
            std::string(option.allowed) + "): " + Quote(text));
      }
      break;
  }
  return value;
}

}  // namespace internal
}  // namespace satrap::config
