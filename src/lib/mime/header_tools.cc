#include "mime/header_tools.h"

#include "mime/date.h"
#include "mime/header.h"

namespace satrap::mime {
namespace {

std::string_view HeaderOf(std::string_view message) {
  return message.substr(0, FindHeaderEnd(message).header_end);
}

}  // namespace

bool HeaderHas8Bit(std::string_view message) {
  for (unsigned char c : HeaderOf(message)) {
    if (c >= 0x80) return true;
  }
  return false;
}

std::string Munge8BitHeader(std::string_view message) {
  std::string out(message);
  size_t header_end = FindHeaderEnd(message).header_end;
  for (size_t i = 0; i < header_end; ++i) {
    if (static_cast<unsigned char>(out[i]) >= 0x80) out[i] = 'X';
  }
  return out;
}

std::optional<std::string> FindMessageId(std::string_view message) {
  std::optional<std::string_view> raw = FindField(ParseHeaderFields(HeaderOf(message)),
                                                  "Message-ID");
  if (!raw) return std::nullopt;
  std::string id = UnfoldValue(*raw);
  if (id.empty()) return std::nullopt;
  return id;
}

std::optional<int64_t> FindMessageDate(std::string_view message) {
  std::optional<std::string_view> raw = FindField(ParseHeaderFields(HeaderOf(message)), "Date");
  if (!raw) return std::nullopt;
  return ParseRfc5322Date(UnfoldValue(*raw));
}

}  // namespace satrap::mime
