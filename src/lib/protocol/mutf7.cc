#include "protocol/mutf7.h"

#include <cstdint>
#include <vector>

namespace satrap::protocol {
namespace {

constexpr char kBase64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == ',') return 63;
  return -1;
}

bool IsPrintableAscii(uint32_t c) { return c >= 0x20 && c <= 0x7e; }

// Decodes one UTF-8 sequence at `*pos`; false on malformed input.
bool NextCodePoint(std::string_view s, size_t* pos, uint32_t* out) {
  unsigned char b0 = s[*pos];
  int extra;
  uint32_t cp;
  if (b0 < 0x80) {
    extra = 0;
    cp = b0;
  } else if (b0 >= 0xc2 && b0 <= 0xdf) {
    extra = 1;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    extra = 2;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    return false;
  }
  if (extra > 0 && *pos + extra >= s.size()) return false;
  for (int i = 1; i <= extra; ++i) {
    unsigned char b = s[*pos + i];
    if ((b & 0xc0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  *pos += extra + 1;
  *out = cp;
  return true;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Writes UTF-16 units as one "&...-" shift.
void AppendShift(std::string* out, const std::vector<uint16_t>& units) {
  out->push_back('&');
  uint32_t bits = 0;
  int nbits = 0;
  for (uint16_t unit : units) {
    bits = (bits << 16) | unit;
    nbits += 16;
    while (nbits >= 6) {
      nbits -= 6;
      out->push_back(kBase64[(bits >> nbits) & 0x3f]);
    }
  }
  if (nbits > 0) out->push_back(kBase64[(bits << (6 - nbits)) & 0x3f]);
  out->push_back('-');
}

// Decodes the base64 of one shift (between '&' and '-') into UTF-8.
Status DecodeShift(std::string_view b64, std::string* out) {
  uint32_t bits = 0;
  int nbits = 0;
  uint32_t high_surrogate = 0;
  for (char c : b64) {
    int v = Base64Value(c);
    if (v < 0) return Status::Invalid("bad character in modified base64");
    bits = (bits << 6) | static_cast<uint32_t>(v);
    nbits += 6;
    if (nbits < 16) continue;
    nbits -= 16;
    uint32_t unit = (bits >> nbits) & 0xffff;
    bits &= (1u << nbits) - 1;
    if (high_surrogate != 0) {
      if (unit < 0xdc00 || unit > 0xdfff) return Status::Invalid("unpaired surrogate");
      AppendUtf8(out, 0x10000 + ((high_surrogate - 0xd800) << 10) + (unit - 0xdc00));
      high_surrogate = 0;
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      high_surrogate = unit;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return Status::Invalid("unpaired surrogate");
    } else if (IsPrintableAscii(unit) || unit == 0) {
      return Status::Invalid("shift encodes a character that must represent itself");
    } else {
      AppendUtf8(out, unit);
    }
  }
  if (high_surrogate != 0) return Status::Invalid("unpaired surrogate");
  if (nbits >= 6 || bits != 0) return Status::Invalid("bad padding in modified base64");
  return Status::Ok();
}

}  // namespace

Result<std::string> Utf8ToMutf7(std::string_view utf8) {
  std::string out;
  std::vector<uint16_t> units;
  size_t pos = 0;
  while (pos < utf8.size()) {
    uint32_t cp;
    if (!NextCodePoint(utf8, &pos, &cp) || cp == 0) return Status::Invalid("not valid UTF-8");
    if (IsPrintableAscii(cp)) {
      if (!units.empty()) {
        AppendShift(&out, units);
        units.clear();
      }
      out.append(cp == '&' ? "&-" : std::string(1, static_cast<char>(cp)));
    } else if (cp >= 0x10000) {
      units.push_back(static_cast<uint16_t>(0xd800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<uint16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff)));
    } else {
      units.push_back(static_cast<uint16_t>(cp));
    }
  }
  if (!units.empty()) AppendShift(&out, units);
  return out;
}

Result<std::string> Mutf7ToUtf8(std::string_view mutf7) {
  std::string out;
  size_t pos = 0;
  bool after_shift = false;
  while (pos < mutf7.size()) {
    unsigned char c = mutf7[pos];
    if (!IsPrintableAscii(c)) return Status::Invalid("character outside printable US-ASCII");
    if (c != '&') {
      out.push_back(static_cast<char>(c));
      after_shift = false;
      ++pos;
      continue;
    }
    size_t end = mutf7.find('-', pos + 1);
    if (end == std::string_view::npos) return Status::Invalid("unterminated shift");
    if (end == pos + 1) {
      out.push_back('&');
      after_shift = false;
    } else {
      // Two shifts in a row would have been written as one.
      if (after_shift) return Status::Invalid("adjacent shifts");
      SATRAP_RETURN_IF_ERROR(DecodeShift(mutf7.substr(pos + 1, end - pos - 1), &out));
      after_shift = true;
    }
    pos = end + 1;
  }
  return out;
}

bool IsValidMutf7(std::string_view mutf7) { return Mutf7ToUtf8(mutf7).ok(); }

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  uint32_t cp;
  while (pos < text.size()) {
    if (!NextCodePoint(text, &pos, &cp)) return false;
  }
  return true;
}

}  // namespace satrap::protocol
