// Everything the mailbox store keeps about one message, computed once at
// append: the part tree, ENVELOPE, the envelopes BODYSTRUCTURE needs and the
// header fields clients most often fetch. cache_record.h turns it into
// cyrus.cache bytes; BODY and BODYSTRUCTURE are rendered from it
// (bodystructure.h).
//
// Pure. The envelopes are ready to be written on the wire after "ENVELOPE ".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mime/parser.h"

namespace satrap::mime {

// The cached header block is dropped (headers_cached false) beyond this size,
// so one message with a huge References field cannot bloat cyrus.cache;
// FETCH then reads those fields from the message file.
inline constexpr size_t kMaxCachedHeaderBytes = 64 * 1024;

struct MessageInfo {
  Part root;
  std::string envelope;  // "(" ... ")"
  // The ENVELOPE of each message/rfc822 part of the tree, in pre-order
  // (EmbeddedEnvelopes): with the tree, all BODYSTRUCTURE needs.
  std::vector<std::string> embedded_envelopes;
  // The cached fields (IsCachedHeaderField) of the top-level header, byte for
  // byte, followed by a blank line: a header section in its own right, which
  // FilterHeaderFields() (section.h) can answer HEADER.FIELDS from.
  std::string cached_headers;
  bool headers_cached = true;

  bool operator==(const MessageInfo&) const = default;
};

// Parses `raw` (the message exactly as stored) and computes every field.
MessageInfo AnalyzeMessage(std::string_view raw);

// True when the field `name` (case-insensitive) is kept in cached_headers:
// the ENVELOPE fields, References, Content-Type, priorities, list headers and
// the like. A HEADER.FIELDS fetch naming only such fields needs no file read.
bool IsCachedHeaderField(std::string_view name);

}  // namespace satrap::mime
