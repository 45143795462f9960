#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace satrap {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // Castagnoli, reflected

constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? kPolynomial ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cSse42(std::string_view bytes,
                                                       uint32_t previous) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t crc = ~previous;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    crc = _mm_crc32_u64(crc, word);
  }
  uint32_t crc32 = static_cast<uint32_t>(crc);
  for (; n > 0; ++p, --n) crc32 = _mm_crc32_u8(crc32, static_cast<unsigned char>(*p));
  return ~crc32;
}

using Implementation = uint32_t (*)(std::string_view, uint32_t);

Implementation Choose() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") ? Crc32cSse42 : internal::Crc32cPortable;
}
#endif

}  // namespace

namespace internal {
uint32_t Crc32cPortable(std::string_view bytes, uint32_t previous) {
  uint32_t crc = ~previous;
  for (unsigned char c : bytes) crc = kTable[(crc ^ c) & 0xff] ^ (crc >> 8);
  return ~crc;
}
}  // namespace internal

uint32_t Crc32c(std::string_view bytes, uint32_t previous) {
#if defined(__x86_64__)
  static const Implementation implementation = Choose();
  return implementation(bytes, previous);
#else
  return internal::Crc32cPortable(bytes, previous);
#endif
}

}  // namespace satrap
