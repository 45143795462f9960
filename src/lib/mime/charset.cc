#include "mime/charset.h"

#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "base/strings.h"

namespace satrap::mime {
namespace {

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using Converter = std::unique_ptr<UConverter, ConverterCloser>;

// ICU's converters work on int32_t lengths; bigger inputs go in slices.
constexpr size_t kSlice = 1 << 20;

std::string Utf16ToUtf8(const std::vector<UChar>& text, int32_t length) {
  std::string out;
  UErrorCode status = U_ZERO_ERROR;
  int32_t needed = 0;
  u_strToUTF8WithSub(nullptr, 0, &needed, text.data(), length, 0xFFFD, nullptr, &status);
  if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return out;
  out.resize(static_cast<size_t>(needed));
  status = U_ZERO_ERROR;
  u_strToUTF8WithSub(out.data(), needed, nullptr, text.data(), length, 0xFFFD, nullptr, &status);
  if (U_FAILURE(status)) out.clear();
  return out;
}

// Converts with an opened converter, streaming so that a multi-byte
// sequence split between slices is still read whole.
std::string ConvertWith(UConverter* converter, std::string_view bytes) {
  std::string out;
  // A byte gives at most one UTF-16 unit in the usual charsets; when one
  // gives more, the loop below simply goes round again.
  std::vector<UChar> buffer(std::min(kSlice, bytes.size()) + 16);
  const char* source = bytes.data();
  const char* source_end = bytes.data() + bytes.size();
  bool done = false;
  while (!done) {
    UChar* target = buffer.data();
    UErrorCode status = U_ZERO_ERROR;
    ucnv_toUnicode(converter, &target, buffer.data() + buffer.size(), &source, source_end,
                   nullptr, /*flush=*/true, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR) done = true;
    if (U_FAILURE(status) && status != U_BUFFER_OVERFLOW_ERROR) break;
    out += Utf16ToUtf8(buffer, static_cast<int32_t>(target - buffer.data()));
  }
  return out;
}

std::string ConvertNamed(std::string_view bytes, const char* name) {
  UErrorCode status = U_ZERO_ERROR;
  Converter converter(ucnv_open(name, &status));
  if (U_FAILURE(status) || !converter) return std::string();
  return ConvertWith(converter.get(), bytes);
}

// Unlabelled or mislabelled 8-bit text.
std::string Guess(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return std::string(bytes);
  return ConvertNamed(bytes, "windows-1252");
}

// ICU's default case folding of a run of non-ASCII UTF-8 (invalid sequences
// become U+FFFD), appended to `out`.
void FoldNonAscii(std::string_view utf8, std::string* out) {
  for (size_t start = 0; start < utf8.size();) {
    // Cut at a character boundary so no sequence is split between slices.
    size_t end = std::min(utf8.size(), start + kSlice);
    while (end < utf8.size() && end > start &&
           (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (end == start) end = std::min(utf8.size(), start + kSlice);
    std::string_view slice = utf8.substr(start, end - start);
    std::vector<UChar> wide(slice.size() + 1);
    int32_t wide_len = 0;
    UErrorCode status = U_ZERO_ERROR;
    u_strFromUTF8WithSub(wide.data(), static_cast<int32_t>(wide.size()), &wide_len, slice.data(),
                         static_cast<int32_t>(slice.size()), 0xFFFD, nullptr, &status);
    if (U_FAILURE(status)) return;
    // Folding can lengthen text (ß → ss); three times is ICU's documented bound.
    std::vector<UChar> folded(static_cast<size_t>(wide_len) * 3 + 1);
    status = U_ZERO_ERROR;
    int32_t folded_len = u_strFoldCase(folded.data(), static_cast<int32_t>(folded.size()),
                                       wide.data(), wide_len, U_FOLD_CASE_DEFAULT, &status);
    if (U_FAILURE(status)) return;
    *out += Utf16ToUtf8(folded, folded_len);
    start = end;
  }
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= bytes.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(bytes[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string ConvertToUtf8(std::string_view bytes, std::string_view charset) {
  if (IsAscii(bytes)) {
    // Only UTF-7, UTF-16/32 and friends change ASCII bytes; skip ICU otherwise.
    if (!StartsWithIgnoreCase(charset, "utf-7") && !StartsWithIgnoreCase(charset, "utf-16") &&
        !StartsWithIgnoreCase(charset, "utf-32") && !StartsWithIgnoreCase(charset, "ucs") &&
        !EqualsIgnoreCase(charset, "hz-gb-2312") && !StartsWithIgnoreCase(charset, "iso-2022")) {
      return std::string(bytes);
    }
  }
  if (charset.empty() || EqualsIgnoreCase(charset, "us-ascii") ||
      EqualsIgnoreCase(charset, "ascii")) {
    return Guess(bytes);
  }
  if ((EqualsIgnoreCase(charset, "utf-8") || EqualsIgnoreCase(charset, "utf8")) &&
      IsValidUtf8(bytes)) {
    return std::string(bytes);
  }
  std::string name(charset);
  UErrorCode status = U_ZERO_ERROR;
  Converter converter(ucnv_open(name.c_str(), &status));
  if (U_FAILURE(status) || !converter) return Guess(bytes);
  return ConvertWith(converter.get(), bytes);
}

std::string FoldForSearch(std::string_view utf8) {
  // Case folding maps each code point on its own, and an ASCII byte is never
  // part of a multi-byte sequence: ASCII runs fold to lower case here, and
  // only the runs between them go through ICU. Mail text is mostly ASCII.
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
      ++i;
      continue;
    }
    size_t end = i;
    while (end < utf8.size() && static_cast<unsigned char>(utf8[end]) >= 0x80) ++end;
    FoldNonAscii(utf8.substr(i, end - i), &out);
    i = end;
  }
  return out;
}

}  // namespace satrap::mime
