// Header sections of RFC 5322 messages and MIME parts: finding where a header
// ends, splitting it into fields, unfolding values.
//
// Used by the message parser, the envelope writer, section addressing
// (HEADER.FIELDS) and lmtpd. Pure; results borrow from the caller's bytes and
// live as long as they do.
//
// Tolerance: bare LF and CRLF line ends are both accepted; a line without a
// colon, or whose name holds whitespace or control bytes, is not a field and
// is skipped (it still belongs to the header section); a continuation line
// before any field is skipped; at most kMaxHeaderFields fields are returned.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace satrap::mime {

inline constexpr size_t kMaxHeaderFields = 10000;

struct HeaderField {
  std::string_view name;       // as written, trailing blanks removed ("Subject")
  std::string_view raw_value;  // after ':' up to the last line end, folding kept
  size_t offset = 0;           // of the field's first byte, within the block
  size_t length = 0;           // whole field including its final line end
};

struct HeaderExtent {
  size_t header_end = 0;  // where the blank line starts (== body_start if none)
  size_t body_start = 0;  // first byte after the blank line, or data.size()
};

// Finds the end of the header section that opens `data` (RFC 5322 §2.1: a
// header, an empty line, then the body). Without an empty line, the whole of
// `data` is header and the body is empty.
HeaderExtent FindHeaderEnd(std::string_view data);

// Splits a header section (the bytes before the blank line; a trailing blank
// line and anything after it are ignored) into fields, in order.
std::vector<HeaderField> ParseHeaderFields(std::string_view header,
                                           size_t max_fields = kMaxHeaderFields);

// RFC 5322 §2.2.3: removes each line break that folds the value, then trims
// blanks at both ends. CR or LF bytes that do not fold are kept.
std::string UnfoldValue(std::string_view raw_value);

// Calls `found` with the raw value (as ParseHeaderFields gives it) of each
// field called `name` (case-insensitive), in order, until it returns true.
// Lines of other fields are skipped without being split: SEARCH HEADER looks
// for one field in every message of a mailbox.
void FindFieldValues(std::string_view header, std::string_view name,
                     const std::function<bool(std::string_view)>& found);

// The raw value of the first field called `name` (case-insensitive).
std::optional<std::string_view> FindField(const std::vector<HeaderField>& fields,
                                          std::string_view name);

// Returns the length of the line starting at `pos` (without its end) and sets
// *next to the start of the following line. Shared by every line scanner here.
size_t LineAt(std::string_view data, size_t pos, size_t* next);

}  // namespace satrap::mime
