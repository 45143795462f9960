// Charset conversion to UTF-8 (through ICU converters) and the search
// normaliser: Unicode case folding, so that SEARCH can compare header and
// body text case-insensitively in any script (RFC 3501 §6.4.4 leaves the
// comparison to the server; Dovecot and Cyrus fold case the same way).
//
// Pure and thread-compatible: ICU converters are opened per call.
//
// Fallbacks: bytes that are not valid in their charset become U+FFFD. Text
// labelled us-ascii (or not labelled) that holds 8-bit bytes is read as UTF-8
// when it is valid UTF-8, as windows-1252 otherwise, because that is what
// such mail almost always is. An unknown charset is treated the same way.
#pragma once

#include <string>
#include <string_view>

namespace satrap::mime {

// True when `bytes` is well-formed UTF-8 (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Converts `bytes` written in `charset` (a MIME charset name or alias, any
// case, "" for unknown) to UTF-8.
std::string ConvertToUtf8(std::string_view bytes, std::string_view charset);

// Unicode default case folding of UTF-8 text (invalid sequences become
// U+FFFD). FoldForSearch(a) contains FoldForSearch(b) is SEARCH's match.
std::string FoldForSearch(std::string_view utf8);

}  // namespace satrap::mime
