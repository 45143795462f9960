#include "mime/header.h"

#include "base/strings.h"

namespace satrap::mime {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// RFC 5322 §3.6.8: ftext is printable US-ASCII except ':'. 8-bit bytes are
// accepted too (they do occur), blanks and controls are not.
bool IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

size_t LineAt(std::string_view data, size_t pos, size_t* next) {
  size_t lf = data.find('\n', pos);
  if (lf == std::string_view::npos) {
    *next = data.size();
    return data.size() - pos;
  }
  *next = lf + 1;
  size_t end = lf;
  if (end > pos && data[end - 1] == '\r') --end;
  return end - pos;
}

HeaderExtent FindHeaderEnd(std::string_view data) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t next = 0;
    size_t len = LineAt(data, pos, &next);
    // A final line without its LF is not an empty line: it is header text.
    if (len == 0 && next > pos) return HeaderExtent{pos, next};
    pos = next;
  }
  return HeaderExtent{data.size(), data.size()};
}

std::vector<HeaderField> ParseHeaderFields(std::string_view header, size_t max_fields) {
  std::vector<HeaderField> fields;
  bool open = false;  // the last field may still take continuation lines
  size_t pos = 0;
  while (pos < header.size()) {
    size_t next = 0;
    size_t len = LineAt(header, pos, &next);
    if (len == 0 && next > pos) break;  // the blank line ends the header
    if (IsBlank(header[pos])) {
      if (open) {
        HeaderField& field = fields.back();
        size_t value_start = static_cast<size_t>(field.raw_value.data() - header.data());
        field.raw_value = header.substr(value_start, pos + len - value_start);
        field.length = next - field.offset;
      }
    } else {
      open = false;
      std::string_view line = header.substr(pos, len);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos && fields.size() < max_fields) {
        std::string_view name = line.substr(0, colon);
        while (!name.empty() && IsBlank(name.back())) name.remove_suffix(1);
        if (IsValidName(name)) {
          fields.push_back(HeaderField{name, line.substr(colon + 1), pos, next - pos});
          open = true;
        }
      }
    }
    pos = next;
  }
  return fields;
}

void FindFieldValues(std::string_view header, std::string_view name,
                     const std::function<bool(std::string_view)>& found) {
  if (!IsValidName(name)) return;  // ParseHeaderFields would find no such field
  size_t pos = 0;
  while (pos < header.size()) {
    size_t next = 0;
    size_t len = LineAt(header, pos, &next);
    if (len == 0 && next > pos) return;  // the blank line ends the header
    std::string_view line = header.substr(pos, len);
    pos = next;
    if (line.size() <= name.size() || !StartsWithIgnoreCase(line, name)) continue;
    size_t colon = line.find_first_not_of(" \t", name.size());
    if (colon == std::string_view::npos || line[colon] != ':') continue;
    // The value runs on through continuation lines.
    const size_t value_start = static_cast<size_t>(line.data() - header.data()) + colon + 1;
    size_t value_end = value_start + (len - colon - 1);
    while (pos < header.size() && IsBlank(header[pos])) {
      size_t after = 0;
      size_t more = LineAt(header, pos, &after);
      value_end = pos + more;
      pos = after;
    }
    if (found(header.substr(value_start, value_end - value_start))) return;
  }
}

std::string UnfoldValue(std::string_view raw_value) {
  std::string out;
  out.reserve(raw_value.size());
  for (size_t i = 0; i < raw_value.size(); ++i) {
    char c = raw_value[i];
    if (c == '\r' && i + 2 < raw_value.size() && raw_value[i + 1] == '\n' &&
        IsBlank(raw_value[i + 2])) {
      ++i;
      continue;
    }
    if (c == '\n' && i + 1 < raw_value.size() && IsBlank(raw_value[i + 1])) continue;
    out.push_back(c);
  }
  size_t begin = 0;
  while (begin < out.size() && IsBlank(out[begin])) ++begin;
  size_t end = out.size();
  while (end > begin && IsBlank(out[end - 1])) --end;
  return out.substr(begin, end - begin);
}

std::optional<std::string_view> FindField(const std::vector<HeaderField>& fields,
                                          std::string_view name) {
  for (const HeaderField& field : fields) {
    if (EqualsIgnoreCase(field.name, name)) return field.raw_value;
  }
  return std::nullopt;
}

}  // namespace satrap::mime
