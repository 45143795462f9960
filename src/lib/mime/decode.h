// Content-Transfer-Encoding decoders (RFC 2045 §6.7 quoted-printable, §6.8
// base64) and the RFC 2047 "Q" variant.
//
// Used by search text extraction, encoded-word decoding and by anything that
// needs a part's content (sieve, lmtpd's checks). Pure; bytes in, bytes out.
//
// All decoders are tolerant, like every mail reader has to be: base64 skips
// bytes outside its alphabet and treats '=' as the end of a run (so
// concatenated chunks still decode); quoted-printable keeps an '=' that starts
// no valid escape, accepts lower-case hex, and drops blanks before line ends.
#pragma once

#include <string>
#include <string_view>

namespace satrap::mime {

std::string DecodeBase64(std::string_view in);
std::string DecodeQuotedPrintable(std::string_view in);
// RFC 2047 §4.2: quoted-printable where '_' stands for a space and there are
// no line breaks.
std::string DecodeQEncoding(std::string_view in);

// Decodes `body` according to `encoding` (a Content-Transfer-Encoding value,
// case-insensitive). Identity and unknown encodings return the bytes as is.
std::string DecodeTransferEncoding(std::string_view body, std::string_view encoding);

}  // namespace satrap::mime
