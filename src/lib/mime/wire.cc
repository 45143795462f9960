#include "mime/wire.h"

namespace satrap::mime::wire {

void PutFixed32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(std::string_view s, std::string* out) {
  PutVarint(s.size(), out);
  out->append(s);
}

bool Reader::GetFixed32(uint32_t* v) {
  if (remaining() < 4) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) {
    *v |= static_cast<uint32_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
  }
  pos_ += 4;
  return true;
}

bool Reader::GetVarint(uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) return false;
    uint64_t byte = static_cast<unsigned char>(in_[pos_++]);
    // The tenth byte may only carry the top bit of a 64-bit value.
    if (shift == 63 && byte > 1) return false;
    *v |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      // Reject non-canonical encodings (trailing zero groups) so that each
      // value has exactly one encoding and a round trip is byte-exact.
      return !(byte == 0 && shift > 0);
    }
  }
  return false;
}

bool Reader::GetByte(uint8_t* v) {
  if (remaining() < 1) return false;
  *v = static_cast<uint8_t>(in_[pos_++]);
  return true;
}

bool Reader::GetBytes(size_t n, std::string_view* s) {
  if (remaining() < n) return false;
  *s = in_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::GetString(std::string* s) {
  uint64_t n = 0;
  std::string_view bytes;
  if (!GetVarint(&n) || n > remaining() || !GetBytes(static_cast<size_t>(n), &bytes)) {
    return false;
  }
  s->assign(bytes);
  return true;
}


}  // namespace satrap::mime::wire
