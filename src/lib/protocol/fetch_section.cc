#include "protocol/fetch_section.h"

#include "base/strings.h"

namespace satrap::protocol {
namespace {

Status ParseItem(std::string_view name, FetchSection* section) {
  struct Name {
    std::string_view text;
    FetchSection::Item item;
    bool peek;
  };
  static constexpr Name kNames[] = {
      {"BODY", FetchSection::Item::kBody, false},
      {"BODY.PEEK", FetchSection::Item::kBody, true},
      {"BINARY", FetchSection::Item::kBinary, false},
      {"BINARY.PEEK", FetchSection::Item::kBinary, true},
      {"BINARY.SIZE", FetchSection::Item::kBinarySize, false},
  };
  for (const Name& n : kNames) {
    if (EqualsIgnoreCase(name, n.text)) {
      section->item = n.item;
      section->peek = n.peek;
      return Status::Ok();
    }
  }
  return Status::Invalid("not a fetch section");
}

Status ParseText(std::string_view text, bool has_part, FetchSection* section) {
  struct Spec {
    std::string_view text;
    FetchSection::Text value;
  };
  static constexpr Spec kSpecs[] = {
      {"HEADER", FetchSection::Text::kHeader},
      {"HEADER.FIELDS", FetchSection::Text::kHeaderFields},
      {"HEADER.FIELDS.NOT", FetchSection::Text::kHeaderFieldsNot},
      {"TEXT", FetchSection::Text::kText},
      {"MIME", FetchSection::Text::kMime},
  };
  for (const Spec& spec : kSpecs) {
    if (EqualsIgnoreCase(text, spec.text)) {
      if (spec.value == FetchSection::Text::kMime && !has_part) {
        return Status::Invalid("MIME needs a part number");
      }
      section->text = spec.value;
      return Status::Ok();
    }
  }
  return Status::Invalid("unknown section text");
}

Status ParsePartial(std::string_view partial, FetchSection* section) {
  size_t dot = partial.find('.');
  std::optional<uint64_t> offset = ParseUint64(partial.substr(0, dot));
  if (!offset.has_value() || *offset > 0xFFFFFFFFu) return Status::Invalid("bad partial");
  section->partial_offset = static_cast<uint32_t>(*offset);
  if (dot != std::string_view::npos) {
    std::optional<uint64_t> length = ParseUint64(partial.substr(dot + 1));
    if (!length.has_value() || *length == 0 || *length > 0xFFFFFFFFu) {
      return Status::Invalid("bad partial");
    }
    section->partial_length = static_cast<uint32_t>(*length);
  }
  return Status::Ok();
}

}  // namespace

Result<FetchSection> ParseFetchSection(const ImapArg& arg) {
  if (arg.type != ImapArgType::kSection) return Status::Invalid("not a fetch section");
  FetchSection section;
  SATRAP_RETURN_IF_ERROR(ParseItem(arg.text, &section));
  // Leading nz-numbers are the part; the first non-number starts the text.
  std::string_view spec = arg.section;
  while (!spec.empty() && spec[0] >= '0' && spec[0] <= '9') {
    size_t dot = spec.find('.');
    std::string_view number = spec.substr(0, dot);
    std::optional<uint64_t> n = ParseUint64(number);
    if (!n.has_value() || *n == 0 || *n > 0xFFFFFFFFu || number[0] == '0') {
      return Status::Invalid("bad section part");
    }
    section.part.push_back(static_cast<uint32_t>(*n));
    if (dot == std::string_view::npos) {
      spec = {};
      break;
    }
    spec.remove_prefix(dot + 1);
    if (spec.empty()) return Status::Invalid("section ends with '.'");
  }
  if (!spec.empty()) {
    if (section.item != FetchSection::Item::kBody) {
      return Status::Invalid("BINARY takes part numbers only");
    }
    SATRAP_RETURN_IF_ERROR(ParseText(spec, !section.part.empty(), &section));
  }
  bool wants_fields = section.text == FetchSection::Text::kHeaderFields ||
                      section.text == FetchSection::Text::kHeaderFieldsNot;
  if (wants_fields != arg.has_header_list) return Status::Invalid("header list mismatch");
  if (wants_fields) {
    if (arg.list.empty()) return Status::Invalid("empty header list");
    for (const ImapArg& field : arg.list) {
      std::optional<std::string_view> name = field.AsAstring();
      if (!name.has_value() || name->empty()) return Status::Invalid("bad header field name");
      section.fields.emplace_back(*name);
    }
  }
  if (!arg.partial.empty()) {
    if (section.item == FetchSection::Item::kBinarySize) {
      return Status::Invalid("BINARY.SIZE takes no partial");
    }
    SATRAP_RETURN_IF_ERROR(ParsePartial(arg.partial, &section));
  }
  return section;
}

}  // namespace satrap::protocol
