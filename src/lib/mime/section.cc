#include "mime/section.h"

#include "base/strings.h"
#include "mime/header.h"

namespace satrap::mime {
namespace {

constexpr size_t kMaxSectionDepth = 2 * kMaxDepth + 2;

// Reads "(name name \"name\")" for HEADER.FIELDS; false on bad syntax.
bool ParseFieldList(std::string_view s, std::vector<std::string>* fields) {
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return false;
  s = s.substr(1, s.size() - 2);
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    std::string name;
    if (s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        name.push_back(s[i]);
      }
      if (i >= s.size()) return false;
      ++i;
    } else {
      while (i < s.size() && s[i] != ' ') {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c <= ' ' || c >= 0x7f || c == '(' || c == ')' || c == '"') return false;
        name.push_back(s[i++]);
      }
    }
    if (name.empty()) return false;
    fields->push_back(std::move(name));
  }
  return !fields->empty();
}

Status ParseSectionText(std::string_view rest, SectionSpec* spec) {
  if (EqualsIgnoreCase(rest, "HEADER")) {
    spec->text = SectionText::kHeader;
  } else if (EqualsIgnoreCase(rest, "TEXT")) {
    spec->text = SectionText::kText;
  } else if (EqualsIgnoreCase(rest, "MIME") && !spec->part.empty()) {
    spec->text = SectionText::kMime;
  } else if (StartsWithIgnoreCase(rest, "HEADER.FIELDS.NOT ")) {
    spec->text = SectionText::kHeaderFieldsNot;
    if (!ParseFieldList(rest.substr(18), &spec->fields)) return Status::Invalid("bad field list");
  } else if (StartsWithIgnoreCase(rest, "HEADER.FIELDS ")) {
    spec->text = SectionText::kHeaderFields;
    if (!ParseFieldList(rest.substr(14), &spec->fields)) return Status::Invalid("bad field list");
  } else {
    return Status::Invalid("unknown section text");
  }
  return Status::Ok();
}

struct Cursor {
  const Part* node;
  bool as_message;  // the node is a message (root or encapsulated), not yet a body part
};

// One part number, RFC 3501 §6.4.5.
Result<Cursor> Step(Cursor cursor, uint32_t n) {
  for (;;) {
    const Part& node = *cursor.node;
    if (node.kind == PartKind::kMultipart) {
      if (n == 0 || n > node.children.size()) return Status::NotFound("no such part");
      return Cursor{&node.children[n - 1], false};
    }
    if (cursor.as_message) {
      if (n != 1) return Status::NotFound("no such part");
      return Cursor{&node, false};
    }
    if (node.kind != PartKind::kMessage) return Status::NotFound("no such part");
    cursor = Cursor{&node.children[0], true};
  }
}

}  // namespace

Result<SectionSpec> ParseSectionSpec(std::string_view s) {
  SectionSpec spec;
  while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
    size_t dot = s.find('.');
    std::string_view number = s.substr(0, dot);
    std::optional<uint64_t> n = ParseUint64(number);
    if (!n || *n == 0 || *n > UINT32_MAX || number[0] == '0') {
      return Status::Invalid("bad part number");
    }
    if (spec.part.size() >= kMaxSectionDepth) return Status::Invalid("section too deep");
    spec.part.push_back(static_cast<uint32_t>(*n));
    if (dot == std::string_view::npos) return spec;
    s = s.substr(dot + 1);
    if (s.empty()) return Status::Invalid("trailing dot");
  }
  if (s.empty()) {
    if (!spec.part.empty()) return Status::Invalid("trailing dot");
    return spec;
  }
  SATRAP_RETURN_IF_ERROR(ParseSectionText(s, &spec));
  return spec;
}

Result<ByteRange> LocateSection(const Part& root, const SectionSpec& spec) {
  Cursor cursor{&root, true};
  for (uint32_t n : spec.part) {
    SATRAP_ASSIGN_OR_RETURN(cursor, Step(cursor, n));
  }
  const Part& node = *cursor.node;
  auto range = [](uint64_t from, uint64_t to) { return ByteRange{from, to - from}; };
  switch (spec.text) {
    case SectionText::kNone:
      if (spec.part.empty()) return range(node.header_offset, node.end_offset);
      return range(node.body_offset, node.end_offset);
    case SectionText::kMime:
      return range(node.header_offset, node.body_offset);
    default:
      break;
  }
  const Part* message = &node;
  if (!spec.part.empty()) {
    if (node.kind != PartKind::kMessage) return Status::Invalid("part is not message/rfc822");
    message = &node.children[0];
  }
  if (spec.text == SectionText::kText) return range(message->body_offset, message->end_offset);
  return range(message->header_offset, message->body_offset);
}

std::string FilterHeaderFields(std::string_view header, const std::vector<std::string>& names,
                               bool exclude) {
  std::string out;
  for (const HeaderField& field : ParseHeaderFields(header)) {
    bool listed = false;
    for (const std::string& name : names) listed = listed || EqualsIgnoreCase(field.name, name);
    if (listed == exclude) continue;
    out.append(header.substr(field.offset, field.length));
    if (out.back() != '\n') out.append("\r\n");
  }
  out.append("\r\n");
  return out;
}

Result<std::string> FetchSection(std::string_view raw, const Part& root, const SectionSpec& spec) {
  SATRAP_ASSIGN_OR_RETURN(ByteRange r, LocateSection(root, spec));
  if (r.offset > raw.size() || r.length > raw.size() - r.offset) {
    return Status::Invalid("section outside the message");
  }
  std::string_view bytes = raw.substr(r.offset, r.length);
  if (spec.text == SectionText::kHeaderFields || spec.text == SectionText::kHeaderFieldsNot) {
    return FilterHeaderFields(bytes, spec.fields, spec.text == SectionText::kHeaderFieldsNot);
  }
  return std::string(bytes);
}

}  // namespace satrap::mime
