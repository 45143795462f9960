// IMAP ENVELOPE (RFC 3501 §7.4.2) from a message's header section.
//
// Used at append time (the result goes into cyrus.cache) and for
// message/rfc822 parts inside BODYSTRUCTURE. Pure.
//
// Values are the raw header values, unfolded and trimmed, never decoded
// (clients decode RFC 2047 words themselves). The first occurrence of each
// field counts. Sender and Reply-To default to From when absent or empty, as
// RFC 3501 requires. An absent field is NIL; a present but empty Subject is "".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mime/address.h"

namespace satrap::mime {

// Appends "(date subject from sender reply-to to cc bcc in-reply-to
// message-id)" for the header section `header` (the bytes up to the blank
// line; anything after it is ignored).
void AppendEnvelope(std::string_view header, std::string* out);

// Convenience: AppendEnvelope into a new string.
std::string BuildEnvelope(std::string_view header);

// Appends an address list as RFC 3501 "(" 1*address ")" or NIL when empty.
void AppendAddressList(const std::vector<Address>& addresses, std::string* out);

}  // namespace satrap::mime
