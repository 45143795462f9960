// FetchSection: the meaning of a kSection argument (imap_arg.h) of FETCH:
// BODY[...]<...>, BODY.PEEK[...], BINARY[...] and BINARY.PEEK (RFC 3516),
// BINARY.SIZE[...].
//
//   section-spec  = section-msgtext / (section-part ["." section-text])
//   section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
//   section-text  = section-msgtext / "MIME"
//   section-part  = nz-number *("." nz-number)
//   section-binary = "[" [section-part] "]"          (RFC 3501 §9, RFC 3516 §4.2)
// Pure; the result owns its strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "protocol/imap_arg.h"

namespace satrap::protocol {

struct FetchSection {
  enum class Item { kBody, kBinary, kBinarySize };
  enum class Text { kAll, kHeader, kHeaderFields, kHeaderFieldsNot, kText, kMime };

  Item item = Item::kBody;
  bool peek = false;             // .PEEK: do not set \Seen
  std::vector<uint32_t> part;    // "1.2" → {1, 2}; empty for the whole message
  Text text = Text::kAll;
  std::vector<std::string> fields;  // HEADER.FIELDS (.NOT) names, as sent
  std::optional<uint32_t> partial_offset;
  std::optional<uint32_t> partial_length;  // absent: to the end
};

// kInvalid for a section that breaks the grammar above (MIME without a part,
// HEADER.FIELDS without fields, a text specifier in BINARY, a partial on
// BINARY.SIZE, a zero part number, ...).
Result<FetchSection> ParseFetchSection(const ImapArg& arg);

}  // namespace satrap::protocol
