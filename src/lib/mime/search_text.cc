#include "mime/search_text.h"

#include <optional>

#include "base/strings.h"
#include "mime/charset.h"
#include "mime/decode.h"
#include "mime/header.h"

namespace satrap::mime {
namespace {

constexpr size_t kMaxCharsetName = 64;
constexpr size_t kMaxEncodedText = 4096;

struct EncodedWord {
  std::string_view charset;
  std::string decoded;
  size_t end = 0;
};

// Reads "=?charset?e?text?=" at text[pos]. RFC 2231 §5 allows
// "charset*language"; the language is dropped.
bool ReadEncodedWord(std::string_view text, size_t pos, EncodedWord* word) {
  if (text.substr(pos, 2) != "=?") return false;
  size_t q1 = text.find('?', pos + 2);
  if (q1 == std::string_view::npos || q1 == pos + 2 || q1 - pos - 2 > kMaxCharsetName) {
    return false;
  }
  std::string_view charset = text.substr(pos + 2, q1 - pos - 2);
  if (charset.find_first_of(" \t\r\n") != std::string_view::npos) return false;
  if (q1 + 2 >= text.size() || text[q1 + 2] != '?') return false;
  char encoding = text[q1 + 1];
  size_t close = text.find("?=", q1 + 3);
  if (close == std::string_view::npos || close - q1 - 3 > kMaxEncodedText) return false;
  std::string_view payload = text.substr(q1 + 3, close - q1 - 3);
  if (encoding == 'B' || encoding == 'b') {
    word->decoded = DecodeBase64(payload);
  } else if (encoding == 'Q' || encoding == 'q') {
    word->decoded = DecodeQEncoding(payload);
  } else {
    return false;
  }
  word->charset = charset.substr(0, charset.find('*'));
  word->end = close + 2;
  return true;
}

bool AllBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::string DecodeEncodedWords(std::string_view text) {
  std::string out;
  std::string pending;  // decoded bytes of adjacent words in one charset
  std::string pending_charset;
  bool have_pending = false;
  auto flush = [&] {
    if (have_pending) out += ConvertToUtf8(pending, pending_charset);
    pending.clear();
    have_pending = false;
  };
  size_t raw_start = 0;
  size_t i = 0;
  while (i < text.size()) {
    EncodedWord word;
    if (text[i] != '=' || !ReadEncodedWord(text, i, &word)) {
      ++i;
      continue;
    }
    std::string_view gap = text.substr(raw_start, i - raw_start);
    if (!have_pending || !AllBlank(gap)) {
      flush();
      out += ConvertToUtf8(gap, "");
    }
    if (have_pending && !EqualsIgnoreCase(pending_charset, word.charset)) flush();
    pending_charset = std::string(word.charset);
    pending += word.decoded;
    have_pending = true;
    i = word.end;
    raw_start = i;
  }
  flush();
  out += ConvertToUtf8(text.substr(raw_start), "");
  return out;
}

std::string DecodeHeaderValue(std::string_view raw_value) {
  return DecodeEncodedWords(UnfoldValue(raw_value));
}

std::string DecodeParamValue(const Param& param) {
  if (param.name.empty() || param.name.back() != '*') return DecodeEncodedWords(param.value);
  std::string_view value = param.value;
  size_t q1 = value.find('\'');
  size_t q2 = q1 == std::string_view::npos ? q1 : value.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return ConvertToUtf8(PercentDecode(value), "");
  return ConvertToUtf8(PercentDecode(value.substr(q2 + 1)), value.substr(0, q1));
}

namespace {

// `raw_value` trimmed of blanks, when it is one line of ASCII without
// encoded words (ParseHeaderFields' values end before the line end); nullopt
// when it needs the full decoding.
std::optional<std::string_view> PlainValue(std::string_view value) {
  // One pass (SEARCH HEADER runs this for every message): find_first_of
  // would call memchr once per character.
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '\r' || c == '\n' || c >= 0x80) return std::nullopt;
    if (c == '=' && i + 1 < value.size() && value[i + 1] == '?') return std::nullopt;
  }
  size_t begin = value.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return std::string_view();
  return value.substr(begin, value.find_last_not_of(" \t") - begin + 1);
}

}  // namespace

bool HeaderValueContains(std::string_view raw_value, std::string_view folded_needle) {
  if (folded_needle.empty()) return true;
  if (IsAscii(folded_needle)) {
    if (std::optional<std::string_view> plain = PlainValue(raw_value)) {
      return ContainsIgnoreAsciiCase(*plain, folded_needle);
    }
  }
  return FoldForSearch(DecodeHeaderValue(raw_value)).find(folded_needle) != std::string::npos;
}

std::string SearchableHeaderText(std::string_view header) {
  std::string out;
  for (const HeaderField& field : ParseHeaderFields(header)) {
    out += ConvertToUtf8(field.name, "");
    out += ": ";
    out += DecodeHeaderValue(field.raw_value);
    out += '\n';
  }
  return out;
}

std::string ExtractSearchableText(std::string_view raw, const Part& part) {
  if (part.end_offset > raw.size() || part.body_offset > part.end_offset) return std::string();
  switch (part.kind) {
    case PartKind::kMultipart: {
      std::string out;
      for (const Part& child : part.children) {
        out += ExtractSearchableText(raw, child);
        if (!out.empty() && out.back() != '\n') out += '\n';
      }
      return out;
    }
    case PartKind::kMessage: {
      const Part& inner = part.children[0];
      if (inner.body_offset > raw.size()) return std::string();
      return SearchableHeaderText(
                 raw.substr(inner.header_offset, inner.body_offset - inner.header_offset)) +
             ExtractSearchableText(raw, inner);
    }
    case PartKind::kLeaf:
      break;
  }
  if (!part.IsText()) return std::string();
  std::string body = DecodeTransferEncoding(raw.substr(part.body_offset, part.body_size()),
                                            part.encoding);
  std::optional<std::string_view> charset = FindParam(part.content_type.params, "charset");
  return ConvertToUtf8(body, charset.value_or(""));
}

}  // namespace satrap::mime
