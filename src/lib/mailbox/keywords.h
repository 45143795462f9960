// Keyword names <-> keyword bits of one mailbox (cyrus.header keeps the
// names, position n = bit n of IndexRecord::keywords). Internal to mailbox/.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "mailbox/header_file.h"
#include "mailbox/index_format.h"

namespace satrap::mailbox {

// The bits for `names` (case-insensitive match, RFC 3501 §2.3.2). With
// `create`, unknown valid names are added to `header` and cyrus.header is
// rewritten (the caller holds the index lock and bumps
// keywords_generation when *added is set); without it they are ignored.
// kInvalid for a name that is not a valid keyword; kTooBig past
// kMaxKeywords names.
Result<KeywordBits> MapKeywords(int dir_fd, MailboxHeader* header,
                                const std::vector<std::string>& names, bool create, int file_mode,
                                bool* added);

}  // namespace satrap::mailbox
