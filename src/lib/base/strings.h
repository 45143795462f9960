// Small string helpers shared by every parser. Pure functions; no allocation
// beyond what the return type needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace satrap {

std::string_view TrimWhitespace(std::string_view s);
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
// True when every byte is below 0x80.
bool IsAscii(std::string_view s);
// Whether `haystack` contains `lower_needle` (already in ASCII lower case),
// comparing ASCII letters without regard to case.
bool ContainsIgnoreAsciiCase(std::string_view haystack, std::string_view lower_needle);
// Splits on every occurrence of `sep`; empty fields are kept.
std::vector<std::string_view> Split(std::string_view s, char sep);
// Splits on runs of spaces and tabs; no empty fields.
std::vector<std::string_view> SplitWhitespace(std::string_view s);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);

// Decimal parsers that accept exactly [0-9]+ (an optional leading '-' for the
// signed one) and reject overflow; nullopt on anything else.
std::optional<uint64_t> ParseUint64(std::string_view s);
std::optional<int64_t> ParseInt64(std::string_view s);

// printf into a std::string.
std::string StringPrintf(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace satrap
