// Byte-level helpers for the cache record encoding (cache_record.h):
// little-endian fixed integers, LEB128 varints and length-prefixed strings. Internal to the mime module. Readers never read past their input
// and report failure instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace satrap::mime::wire {

void PutFixed32(uint32_t v, std::string* out);
void PutVarint(uint64_t v, std::string* out);
void PutString(std::string_view s, std::string* out);

// A cursor over encoded bytes. Every Get* returns false (and leaves the
// reader failed) when the input is short or malformed.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool GetFixed32(uint32_t* v);
  bool GetVarint(uint64_t* v);
  bool GetByte(uint8_t* v);
  bool GetString(std::string* s);
  bool GetBytes(size_t n, std::string_view* s);
  size_t remaining() const { return in_.size() - pos_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace satrap::mime::wire
