// IMAP BODY and BODYSTRUCTURE (RFC 3501 §7.4.2, ABNF "body" in §9) from a
// parsed part tree.
//
// The tree and the ENVELOPE of each encapsulated message/rfc822 part are all
// they need, so cyrus.cache keeps those and FETCH renders BODY and
// BODYSTRUCTURE from them (cache_record.h), rather than storing both strings
// in every record. Pure.
//
// Choices, following Dovecot's test suite: type, subtype and parameters are
// written as in the message; a text part without a charset parameter gets
// ("charset" "us-ascii"); an unknown or malformed Content-Transfer-Encoding
// is "7bit"; Content-Language is always a parenthesised list; sizes are byte
// counts of the stored message and lines are its LF count. The extension data
// written is body-fld-md5 (single parts) or body-fld-param (multiparts), then
// body-fld-dsp, body-fld-lang and body-fld-loc.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mime/parser.h"

namespace satrap::mime {

// The ENVELOPE of every message/rfc822 part of `part` (itself included), in
// pre-order, from `raw` (the bytes ParseMessage read).
std::vector<std::string> EmbeddedEnvelopes(std::string_view raw, const Part& part);

// Appends "(" body ")" for `part`, taking the envelopes of its message/rfc822
// parts from `embedded` in pre-order (as EmbeddedEnvelopes returned them).
// With `extended`, writes BODYSTRUCTURE; without, the non-extensible BODY.
// Returns false, with `out` unusable, if `embedded` holds fewer envelopes
// than the tree has message parts.
bool AppendBodyStructure(const Part& part, std::span<const std::string> embedded, bool extended,
                         std::string* out);

// Convenience: BODY or BODYSTRUCTURE of `part` of `raw` in a new string.
std::string BuildBodyStructure(std::string_view raw, const Part& part, bool extended);

}  // namespace satrap::mime
