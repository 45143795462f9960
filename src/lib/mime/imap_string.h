// IMAP string output for ENVELOPE and BODYSTRUCTURE (RFC 3501 §4.3, §9).
//
// Used by the envelope and bodystructure writers of this module, and by imapd
// when it writes header-derived values. Pure functions: they only append to
// the caller's string.
//
// A value goes out as a quoted string when it is short 7-bit text without CR
// or LF, and as a literal ({n}CRLF bytes) otherwise. NUL may appear in
// neither form, so NUL bytes become 0x80, as Dovecot's non-NUL stream does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace satrap::mime {

// Appends `value` as an IMAP string: quoted ("a \"b\"") when every byte is
// printable 7-bit (TEXT-CHAR minus CR/LF), otherwise as a literal.
void AppendImapString(std::string_view value, std::string* out);

// Appends NIL for nullopt, otherwise AppendImapString.
void AppendImapNString(const std::optional<std::string>& value, std::string* out);

// Appends NIL when `value` is empty, otherwise AppendImapString. Header-derived
// fields (Content-ID, Subject, ...) use this: an absent and an empty field
// both read NIL, as in Dovecot and Cyrus.
void AppendImapNStringOrNil(std::string_view value, std::string* out);

}  // namespace satrap::mime
