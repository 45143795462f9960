// Modified UTF-7 (RFC 3501 §5.1.3), the wire form of international mailbox
// names when UTF8=ACCEPT is not enabled.
//
// Decoding is strict, because the mailbox store uses it to validate names: a
// name has exactly one valid encoding. Rejected (kInvalid): bytes outside
// printable US-ASCII, an unterminated or empty shift, base64 that encodes a
// printable US-ASCII character, a shift directly following another, nonzero
// or superfluous padding bits, broken surrogate pairs, and U+0000.
// Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap::protocol {

// UTF-8 → modified UTF-7. kInvalid if `utf8` is not well-formed UTF-8
// (overlong forms, surrogates, past U+10FFFF) or contains NUL.
Result<std::string> Utf8ToMutf7(std::string_view utf8);

// Modified UTF-7 → UTF-8, under the strict rules above.
Result<std::string> Mutf7ToUtf8(std::string_view mutf7);

// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code
// points past U+10FFFF). NUL is allowed here; callers that refuse it check.
bool IsValidUtf8(std::string_view text);

// True if Mutf7ToUtf8 would accept `mutf7`.
bool IsValidMutf7(std::string_view mutf7);

}  // namespace satrap::protocol
