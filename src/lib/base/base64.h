// Base64 (RFC 4648 section 4, the standard alphabet with '=' padding), as the
// SASL profiles of IMAP (RFC 3501 section 6.2.2), POP3 (RFC 5034) and
// ManageSieve (RFC 5804) carry challenges and responses.
//
// Decoding is strict, because its input comes from the network: only the
// alphabet, padding only at the end and only to a multiple of four, no
// whitespace or line breaks. Anything else is kInvalid; nothing is guessed.
// Pure functions; no state.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace satrap {

// Encodes any bytes; the result is padded to a multiple of four characters.
std::string Base64Encode(std::string_view data);

// Decodes `text`; kInvalid (with the offending offset in the message) when it
// is not canonical-length, padded base64. The empty string decodes to empty.
// Bits left over in the last quantum are ignored (RFC 4648 section 3.5 lets a
// decoder reject them, but some SASL clients emit them).
Result<std::string> Base64Decode(std::string_view text);

}  // namespace satrap
