#include "mime/parser.h"

#include <algorithm>

#include "base/strings.h"
#include "mime/header.h"

namespace satrap::mime {
namespace {

ContentType DefaultType(bool in_digest) {
  // RFC 2046 §5.1.5: in multipart/digest the default is message/rfc822.
  if (in_digest) return ContentType{"message", "rfc822", {}};
  return ContentType{"text", "plain", {Param{"charset", "us-ascii"}}};
}

void ReadContentFields(const std::vector<HeaderField>& fields, bool in_digest, Part* part) {
  std::optional<ContentType> type;
  bool seen_type = false;
  for (const HeaderField& field : fields) {
    if (!StartsWithIgnoreCase(field.name, "Content-")) continue;
    std::string_view name = field.name.substr(8);
    auto first = [&](std::string* slot) {
      if (slot->empty()) *slot = UnfoldValue(field.raw_value);
    };
    if (EqualsIgnoreCase(name, "Type") && !seen_type) {
      seen_type = true;
      type = ParseContentType(UnfoldValue(field.raw_value));
    } else if (EqualsIgnoreCase(name, "Transfer-Encoding") && part->encoding.empty()) {
      part->encoding = ParseTransferEncoding(UnfoldValue(field.raw_value));
    } else if (EqualsIgnoreCase(name, "ID")) {
      first(&part->id);
    } else if (EqualsIgnoreCase(name, "Description")) {
      first(&part->description);
    } else if (EqualsIgnoreCase(name, "MD5")) {
      first(&part->md5);
    } else if (EqualsIgnoreCase(name, "Location")) {
      first(&part->location);
    } else if (EqualsIgnoreCase(name, "Disposition") && !part->disposition) {
      part->disposition = ParseDisposition(UnfoldValue(field.raw_value));
    } else if (EqualsIgnoreCase(name, "Language") && part->languages.empty()) {
      part->languages = ParseLanguageList(UnfoldValue(field.raw_value));
    }
  }
  part->content_type = type ? std::move(*type) : DefaultType(in_digest);
  if (part->encoding.empty()) part->encoding = "7bit";
}

void MakeOpaque(Part* part) {
  part->kind = PartKind::kLeaf;
  part->content_type = DefaultType(false);
  part->children.clear();
}

bool IsIdentityEncoding(std::string_view encoding) {
  return EqualsIgnoreCase(encoding, "7bit") || EqualsIgnoreCase(encoding, "8bit") ||
         EqualsIgnoreCase(encoding, "binary");
}

// RFC 2046 §5.1.1: a delimiter line is "--" boundary, optionally "--" for the
// close delimiter, then only transport padding (blanks).
bool MatchDelimiter(std::string_view line, std::string_view boundary, bool* close) {
  if (line.size() < boundary.size() + 2 || line[0] != '-' || line[1] != '-' ||
      line.substr(2, boundary.size()) != boundary) {
    return false;
  }
  std::string_view rest = line.substr(2 + boundary.size());
  *close = rest.size() >= 2 && rest[0] == '-' && rest[1] == '-';
  if (*close) rest.remove_prefix(2);
  return std::all_of(rest.begin(), rest.end(), [](char c) { return c == ' ' || c == '\t'; });
}

class Parser {
 public:
  explicit Parser(std::string_view raw) : raw_(raw) {}

  Part ParseEntity(uint64_t begin, uint64_t end, int depth, bool in_digest) {
    Part part;
    part.header_offset = begin;
    part.end_offset = end;
    std::string_view data = raw_.substr(begin, end - begin);
    HeaderExtent extent = FindHeaderEnd(data);
    part.body_offset = begin + extent.body_start;
    ReadContentFields(ParseHeaderFields(data.substr(0, extent.header_end)), in_digest, &part);
    if (parts_left_ > 0) --parts_left_;
    if (EqualsIgnoreCase(part.content_type.type, "multipart")) {
      std::optional<std::string_view> boundary = FindParam(part.content_type.params, "boundary");
      if (depth >= kMaxDepth || parts_left_ == 0 || !boundary || boundary->empty()) {
        MakeOpaque(&part);
      } else {
        part.kind = PartKind::kMultipart;
        SplitMultipart(std::string(*boundary), depth, &part);
      }
    } else if (part.IsMessage()) {
      // BODYSTRUCTURE promises an envelope for every message/rfc822 part, so
      // one that cannot be read (encoded, too deep) must not claim the type.
      if (IsIdentityEncoding(part.encoding) && depth < kMaxDepth && parts_left_ > 0) {
        part.kind = PartKind::kMessage;
        part.children.push_back(ParseEntity(part.body_offset, end, depth + 1, false));
      } else {
        MakeOpaque(&part);
      }
    }
    part.body_lines = static_cast<uint64_t>(
        std::count(raw_.begin() + part.body_offset, raw_.begin() + end, '\n'));
    return part;
  }

 private:
  void SplitMultipart(const std::string& boundary, int depth, Part* part) {
    bool digest = EqualsIgnoreCase(part->content_type.subtype, "digest");
    std::string_view region = raw_.substr(0, part->end_offset);
    std::optional<uint64_t> child_start;
    bool closed = false;
    uint64_t pos = part->body_offset;
    while (pos < region.size() && !closed && parts_left_ > 0) {
      size_t next = 0;
      size_t len = LineAt(region, pos, &next);
      bool close = false;
      if (MatchDelimiter(region.substr(pos, len), boundary, &close)) {
        // The line end before "--boundary" belongs to the delimiter.
        uint64_t delimiter_start = pos;
        if (pos > part->body_offset && raw_[pos - 1] == '\n') {
          --delimiter_start;
          if (delimiter_start > part->body_offset && raw_[delimiter_start - 1] == '\r') {
            --delimiter_start;
          }
        }
        if (child_start) {
          delimiter_start = std::max(delimiter_start, *child_start);
          part->children.push_back(ParseEntity(*child_start, delimiter_start, depth + 1, digest));
        }
        closed = close;
        child_start = next;
      }
      pos = next;
    }
    // A missing close delimiter: the last part runs to the end.
    if (child_start && !closed && parts_left_ > 0) {
      part->children.push_back(ParseEntity(*child_start, part->end_offset, depth + 1, digest));
    }
    if (part->children.empty()) {
      part->children.push_back(ParseEntity(part->end_offset, part->end_offset, depth + 1, false));
    }
  }

  std::string_view raw_;
  size_t parts_left_ = kMaxParts;
};

}  // namespace

bool Part::IsText() const { return EqualsIgnoreCase(content_type.type, "text"); }

bool Part::IsMessage() const {
  return EqualsIgnoreCase(content_type.type, "message") &&
         EqualsIgnoreCase(content_type.subtype, "rfc822");
}

Part ParseMessage(std::string_view raw) {
  Parser parser(raw);
  return parser.ParseEntity(0, raw.size(), 0, false);
}

}  // namespace satrap::mime
