#include "mime/decode.h"

#include "base/strings.h"

namespace satrap::mime {
namespace {

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes "=XX" at in[i]; returns the byte or -1.
int DecodeEscape(std::string_view in, size_t i) {
  if (i + 2 >= in.size()) return -1;
  int hi = HexValue(in[i + 1]);
  int lo = HexValue(in[i + 2]);
  if (hi < 0 || lo < 0) return -1;
  return hi * 16 + lo;
}

void FlushPartial(uint32_t bits, int count, std::string* out) {
  if (count == 2) out->push_back(static_cast<char>((bits >> 4) & 0xff));
  if (count == 3) {
    out->push_back(static_cast<char>((bits >> 10) & 0xff));
    out->push_back(static_cast<char>((bits >> 2) & 0xff));
  }
}

}  // namespace

std::string DecodeBase64(std::string_view in) {
  std::string out;
  out.reserve(in.size() / 4 * 3);
  uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : in) {
    if (c == '=') {
      // Padding ends a run: flush the partial quantum, then start afresh so
      // that concatenated base64 chunks still decode.
      FlushPartial(bits, count, &out);
      bits = 0;
      count = 0;
      continue;
    }
    int v = Base64Value(c);
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    if (++count == 4) {
      out.push_back(static_cast<char>((bits >> 16) & 0xff));
      out.push_back(static_cast<char>((bits >> 8) & 0xff));
      out.push_back(static_cast<char>(bits & 0xff));
      bits = 0;
      count = 0;
    }
  }
  FlushPartial(bits, count, &out);
  return out;
}

std::string DecodeQuotedPrintable(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    if (c == ' ' || c == '\t') {
      // RFC 2045 §6.7 rule 3: blanks at the end of a line are padding.
      size_t j = i;
      while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
      bool at_eol = j == in.size() || in[j] == '\n' || (in[j] == '\r' && j + 1 < in.size() &&
                                                        in[j + 1] == '\n');
      if (!at_eol) out.append(in.substr(i, j - i));
      i = j;
      continue;
    }
    if (c != '=') {
      out.push_back(c);
      ++i;
      continue;
    }
    int byte = DecodeEscape(in, i);
    if (byte >= 0) {
      out.push_back(static_cast<char>(byte));
      i += 3;
      continue;
    }
    // A soft line break: "=" then optional blanks then the line end.
    size_t j = i + 1;
    while (j < in.size() && (in[j] == ' ' || in[j] == '\t')) ++j;
    if (j < in.size() && in[j] == '\r' && j + 1 < in.size() && in[j + 1] == '\n') {
      i = j + 2;
    } else if (j < in.size() && in[j] == '\n') {
      i = j + 1;
    } else if (j == in.size()) {
      i = j;
    } else {
      out.push_back('=');
      ++i;
    }
  }
  return out;
}

std::string DecodeQEncoding(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    int byte = c == '=' ? DecodeEscape(in, i) : -1;
    if (byte >= 0) {
      out.push_back(static_cast<char>(byte));
      i += 2;
    } else {
      out.push_back(c == '_' ? ' ' : c);
    }
  }
  return out;
}

std::string DecodeTransferEncoding(std::string_view body, std::string_view encoding) {
  if (EqualsIgnoreCase(encoding, "base64")) return DecodeBase64(body);
  if (EqualsIgnoreCase(encoding, "quoted-printable")) return DecodeQuotedPrintable(body);
  return std::string(body);
}

}  // namespace satrap::mime
