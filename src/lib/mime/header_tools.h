// Header helpers for delivery (lmtpd, deliver) and for the INTERNALDATE
// fallback: 8-bit detection and munging (Cyrus `munge8bit`/`reject8bit`),
// Message-ID and Date lookup.
//
// Pure. "Header" here is the message's top-level header section, up to the
// blank line; the body is never looked at or changed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace satrap::mime {

// True when the header section of `message` holds a byte >= 0x80 (RFC 5322
// headers are US-ASCII; RFC 6532 UTF-8 headers count as 8-bit here too).
bool HeaderHas8Bit(std::string_view message);

// A copy of `message` whose header bytes >= 0x80 are replaced by 'X', as
// Cyrus does with `munge8bit: yes`. The body is copied unchanged.
std::string Munge8BitHeader(std::string_view message);

// The first Message-ID field, unfolded and trimmed ("<id@host>"); nullopt
// when there is none or it is empty.
std::optional<std::string> FindMessageId(std::string_view message);

// The first Date field, parsed (date.h); nullopt when absent or unreadable.
std::optional<int64_t> FindMessageDate(std::string_view message);

}  // namespace satrap::mime
