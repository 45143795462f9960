// BODY[section] addressing (RFC 3501 §6.4.5): which bytes of a stored
// message a section spec names.
//
// Used by imapd's FETCH. Pure: works on the part tree (from the parse or from
// cyrus.cache), so the message file is opened only to copy the bytes.
//
// Rules: part numbers index a multipart's children; a message that is not
// multipart has a single part 1 (its body, whose MIME header is the message
// header); numbers after a message/rfc822 part address the encapsulated
// message. HEADER, HEADER.FIELDS[.NOT] and TEXT apply to the whole message or
// to a message/rfc822 part; MIME needs a part number. Headers include their
// blank line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "mime/parser.h"

namespace satrap::mime {

enum class SectionText : uint8_t { kNone, kHeader, kHeaderFields, kHeaderFieldsNot, kText, kMime };

struct SectionSpec {
  std::vector<uint32_t> part;       // "1.2.3"; empty for the whole message
  SectionText text = SectionText::kNone;
  std::vector<std::string> fields;  // HEADER.FIELDS[.NOT] names, as given

  bool operator==(const SectionSpec&) const = default;
};

// Parses what stands between "BODY[" and "]": "", "1.2", "HEADER",
// "2.HEADER.FIELDS (From \"To\")", "1.MIME", "TEXT". Keywords are
// case-insensitive; field names are atoms or quoted strings. Returns kInvalid
// for anything else (bad numbers, MIME without a part, an empty field list).
Result<SectionSpec> ParseSectionSpec(std::string_view spec);

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;

  bool operator==(const ByteRange&) const = default;
};

// The bytes `spec` names in the message whose tree is `root`. For
// HEADER.FIELDS[.NOT] it is the header section to give FilterHeaderFields().
// Returns kNotFound when a part number does not exist, kInvalid when HEADER,
// TEXT or HEADER.FIELDS follow a part that is not message/rfc822.
Result<ByteRange> LocateSection(const Part& root, const SectionSpec& spec);

// RFC 3501 §6.4.5 HEADER.FIELDS: the fields of `header` whose name is (or,
// with `exclude`, is not) in `names`, byte for byte and in order, followed by
// the blank line. Field names compare case-insensitively.
std::string FilterHeaderFields(std::string_view header, const std::vector<std::string>& names,
                               bool exclude);

// LocateSection, then the bytes of `raw`, filtered for HEADER.FIELDS[.NOT].
Result<std::string> FetchSection(std::string_view raw, const Part& root, const SectionSpec& spec);

}  // namespace satrap::mime
