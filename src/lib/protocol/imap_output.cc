#include "protocol/imap_output.h"

#include "base/strings.h"

namespace satrap::protocol {

bool IsImapAtom(std::string_view s) {
  if (s.empty() || EqualsIgnoreCase(s, "NIL")) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
    switch (c) {
      case '(': case ')': case '{': case '%': case '*': case '"': case '\\': case ']':
        return false;
      default:
        break;
    }
  }
  return true;
}

bool CanQuote(std::string_view s, const ImapStringOptions& options) {
  if (s.size() > options.max_quoted) return false;
  for (unsigned char c : s) {
    if (c == '\0' || c == '\r' || c == '\n') return false;
    if (c >= 0x80 && !options.utf8_quoted) return false;
  }
  return true;
}

void AppendLiteral(std::string* out, std::string_view s) {
  out->append(StringPrintf("{%zu}\r\n", s.size()));
  out->append(s);
}

void AppendLiteral8(std::string* out, std::string_view s) {
  out->append(StringPrintf("~{%zu}\r\n", s.size()));
  out->append(s);
}

void AppendString(std::string* out, std::string_view s, const ImapStringOptions& options) {
  if (!CanQuote(s, options)) {
    AppendLiteral(out, s);
    return;
  }
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendAstring(std::string* out, std::string_view s, const ImapStringOptions& options) {
  if (IsImapAtom(s)) {
    out->append(s);
  } else {
    AppendString(out, s, options);
  }
}

void AppendNstring(std::string* out, std::optional<std::string_view> s,
                   const ImapStringOptions& options) {
  if (!s.has_value()) {
    out->append("NIL");
  } else {
    AppendString(out, *s, options);
  }
}

ResponseCode::ResponseCode(std::string_view atom) : text_("[") { text_.append(atom); }

ResponseCode& ResponseCode::Number(uint64_t n) {
  text_.append(StringPrintf(" %llu", static_cast<unsigned long long>(n)));
  return *this;
}

ResponseCode& ResponseCode::Atom(std::string_view atom) {
  text_.push_back(' ');
  text_.append(atom);
  return *this;
}

ResponseCode& ResponseCode::Astring(std::string_view s) {
  text_.push_back(' ');
  AppendAstring(&text_, s);
  return *this;
}

ResponseCode& ResponseCode::AtomList(std::initializer_list<std::string_view> atoms) {
  text_.append(" (");
  bool first = true;
  for (std::string_view atom : atoms) {
    if (!first) text_.push_back(' ');
    first = false;
    text_.append(atom);
  }
  text_.push_back(')');
  return *this;
}

}  // namespace satrap::protocol
