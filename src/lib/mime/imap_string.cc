#include "mime/imap_string.h"

namespace satrap::mime {
namespace {

// RFC 3501 §9: quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR is any 7-bit
// TEXT-CHAR (no CR, LF, NUL). Long values go as literals too, so a client
// line never becomes unreasonably long.
constexpr size_t kMaxQuotedLength = 1024;

bool FitsQuoted(std::string_view value) {
  if (value.size() > kMaxQuotedLength) return false;
  for (unsigned char c : value) {
    if (c == 0 || c == '\r' || c == '\n' || c >= 0x80) return false;
  }
  return true;
}

}  // namespace

void AppendImapString(std::string_view value, std::string* out) {
  if (FitsQuoted(value)) {
    out->push_back('"');
    for (char c : value) {
      if (c == '"' || c == '\\') out->push_back('\\');
      out->push_back(c);
    }
    out->push_back('"');
    return;
  }
  out->push_back('{');
  out->append(std::to_string(value.size()));
  out->append("}\r\n");
  for (char c : value) out->push_back(c == '\0' ? static_cast<char>(0x80) : c);
}

void AppendImapNString(const std::optional<std::string>& value, std::string* out) {
  if (!value) {
    out->append("NIL");
    return;
  }
  AppendImapString(*value, out);
}

void AppendImapNStringOrNil(std::string_view value, std::string* out) {
  if (value.empty()) {
    out->append("NIL");
    return;
  }
  AppendImapString(value, out);
}

}  // namespace satrap::mime
