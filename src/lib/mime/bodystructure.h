// IMAP BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, ABNF "body" in §9) from a
// parsed part tree.
//
// Used at append time; the strings go into cyrus.cache. Pure.
//
// Choices, following Dovecot's test suite: type, subtype and parameters are
// written as in the message; a text part without a charset parameter gets
// ("charset" "us-ascii"); an unknown or malformed Content-Transfer-Encoding
// is "7bit"; Content-Language is always a parenthesised list; sizes are byte
// counts of the stored message and lines are its LF count. The extension data
// written is body-fld-md5 (single parts) or body-fld-param (multiparts), then
// body-fld-dsp, body-fld-lang and body-fld-loc.
#pragma once

#include <string>
#include <string_view>

#include "mime/parser.h"

namespace satrap::mime {

// Appends "(" body ")" for `part` of `raw` (the bytes ParseMessage read).
// With `extended`, writes BODYSTRUCTURE; without, the non-extensible BODY.
void AppendBodyStructure(std::string_view raw, const Part& part, bool extended,
                         std::string* out);

// Convenience: AppendBodyStructure into a new string.
std::string BuildBodyStructure(std::string_view raw, const Part& part, bool extended);

}  // namespace satrap::mime
