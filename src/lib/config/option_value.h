// Internal to satrap_config: turning one textual value into a typed one,
// shared by the imapd.conf parser, the defaults and the man page checks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "config/imapd_config.h"

namespace satrap::config::internal {

struct ParsedValue {
  std::string text;    // as written; enums in the table's spelling
  int64_t number = 0;  // kInt: the value; kBool: 0/1; kDuration: seconds
};

// Checks `text` against `option`'s type. On failure returns kInvalid with
// the reason alone ("not an integer: 'ten'"); the caller adds file, line and key.
Result<ParsedValue> ParseOptionValue(const OptionInfo& option, std::string_view text);

// Seconds in one bare-number unit of a kDuration option (60 for "m").
int64_t BareUnitSeconds(const OptionInfo& option);

// `text` quoted for a message, cut short when long.
std::string Quote(std::string_view text);

}  // namespace satrap::config::internal
