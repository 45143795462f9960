// The MIME structure of a message (RFC 5322, RFC 2045-2049): a tree of parts
// with their byte offsets in the raw message and their Content-* fields.
//
// The mailbox store parses each message once, at append, and keeps the tree
// in cyrus.cache (cache_record.h); FETCH BODY[section] (section.h), ENVELOPE
// and BODYSTRUCTURE (envelope.h, bodystructure.h) and SEARCH
// (search_text.h) are answered from it. Pure: bytes in, values out.
//
// Shape of the tree. The root is the message itself. A multipart part has one
// child per body part (at least one: a multipart without any delimiter gets one
// empty text/plain child, as Dovecot does). A message/rfc822 part has exactly
// one child: the encapsulated message, whose header starts where the part's
// body starts. Every other part is a leaf. A message/rfc822 part that cannot
// be read (base64 or quoted-printable encoded, or too deep) is an opaque leaf.
//
// Tolerance and bounds: parsing never fails and never reads outside `raw`.
// Bare LF, NUL and 8-bit bytes, headers without a blank line, missing or
// garbled boundaries all give a usable tree. Nesting deeper than kMaxDepth,
// a multipart without a boundary, and parts beyond kMaxParts become opaque
// text/plain leaves, as in Dovecot (whose nesting limit is also 100). Work is
// O(size x depth); memory is O(parts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mime/content.h"

namespace satrap::mime {

inline constexpr int kMaxDepth = 100;
inline constexpr size_t kMaxParts = 10000;

enum class PartKind : uint8_t { kLeaf = 0, kMultipart = 1, kMessage = 2 };

struct Part {
  PartKind kind = PartKind::kLeaf;
  uint64_t header_offset = 0;  // first byte of the part's MIME header
  uint64_t body_offset = 0;    // first byte after the header's blank line
  uint64_t end_offset = 0;     // one past the body's last byte
  uint64_t body_lines = 0;     // LF bytes in the body
  ContentType content_type;    // the RFC 2045 §5.2 default applied when absent
  std::string encoding;        // Content-Transfer-Encoding as written; "7bit" by default
  std::string id;              // Content-ID, unfolded; empty when absent
  std::string description;     // Content-Description, unfolded, not decoded
  std::string md5;             // Content-MD5
  std::string location;        // Content-Location
  std::optional<Disposition> disposition;
  std::vector<std::string> languages;  // Content-Language
  std::vector<Part> children;

  uint64_t body_size() const { return end_offset - body_offset; }
  bool IsText() const;       // type "text" (any case)
  bool IsMessage() const;    // type "message/rfc822" (any case)
  bool operator==(const Part&) const = default;
};

// Parses `raw`, a whole message, into its part tree.
Part ParseMessage(std::string_view raw);

}  // namespace satrap::mime
