// LIST/LSUB pattern matching (RFC 3501 §6.3.8): '*' matches any run of
// characters, '%' any run that does not contain the hierarchy separator.
// Matching is done on external names; the caller handles INBOX's
// case-insensitivity by canonicalising the pattern first. Pure.
#pragma once

#include <string_view>

namespace satrap::mailbox {

// True when all of `name` matches `pattern`.
bool GlobMatch(std::string_view pattern, std::string_view name, char separator);

// True when some name beginning with `prefix` + separator could still match
// (lets LIST decide whether to descend / report \HasChildren candidates).
bool GlobCouldMatchBelow(std::string_view pattern, std::string_view prefix, char separator);

}  // namespace satrap::mailbox
