#include "protocol/imap_arg.h"

#include "base/strings.h"
#include "protocol/imap_output.h"

namespace satrap::protocol {
namespace {

// ASTRING-CHAR = ATOM-CHAR / resp-specials: no list-wildcards, no "\" except
// that flags are atoms too; mailbox names never contain "%" or "*".
bool IsAstringAtom(std::string_view s) {
  for (char c : s) {
    if (c == '%' || c == '*' || c == '\\') return false;
  }
  return true;
}

}  // namespace

bool ImapArg::IsNil() const { return type == ImapArgType::kAtom && EqualsIgnoreCase(text, "NIL"); }

std::optional<std::string_view> ImapArg::AsAstring() const {
  if (type == ImapArgType::kString) return std::string_view(text);
  if (type == ImapArgType::kAtom && IsAstringAtom(text)) return std::string_view(text);
  return std::nullopt;
}

std::optional<std::optional<std::string_view>> ImapArg::AsNstring() const {
  if (IsNil()) return std::optional<std::string_view>();
  if (type == ImapArgType::kString) return std::optional<std::string_view>(text);
  return std::nullopt;
}

std::optional<std::string_view> ImapArg::AsListMailbox() const {
  if (type == ImapArgType::kString) return std::string_view(text);
  if (type == ImapArgType::kAtom && text.find('\\') == std::string::npos) {
    return std::string_view(text);
  }
  return std::nullopt;
}

std::optional<uint32_t> ImapArg::AsNumber() const {
  if (type != ImapArgType::kAtom) return std::nullopt;
  std::optional<uint64_t> n = ParseUint64(text);
  if (!n.has_value() || *n > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<uint32_t>(*n);
}

std::string ImapArg::ToWire() const {
  std::string out;
  switch (type) {
    case ImapArgType::kAtom:
      return text;
    case ImapArgType::kString:
      AppendString(&out, text);
      return out;
    case ImapArgType::kStreamedLiteral:
      return StringPrintf("{%llu}", static_cast<unsigned long long>(literal_size));
    case ImapArgType::kList:
      out.push_back('(');
      for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out.push_back(' ');
        out.append(list[i].ToWire());
      }
      out.push_back(')');
      return out;
    case ImapArgType::kSection:
      out = text + "[" + section;
      if (has_header_list) {
        out.append(" (");
        for (size_t i = 0; i < list.size(); ++i) {
          if (i > 0) out.push_back(' ');
          AppendAstring(&out, list[i].text);
        }
        out.push_back(')');
      }
      out.push_back(']');
      if (!partial.empty()) out.append("<" + partial + ">");
      return out;
  }
  return out;
}

}  // namespace satrap::protocol
