#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string>

namespace satrap {
namespace {

TEST(Crc32cTest, CheckValueOfTheStandard) {
  // The check value of CRC-32C (RFC 3720 appendix B.4 uses the same CRC).
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(internal::Crc32cPortable("123456789", 0), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
  // RFC 3720 B.4: 32 bytes of zeros.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
}

// The instruction path (8 bytes a step, then single bytes) must agree with
// the table at every length and alignment.
TEST(Crc32cTest, FastPathEqualsTheTable) {
  std::string text;
  for (int i = 0; i < 400; ++i) text.push_back(static_cast<char>(i * 37 + 11));
  std::string_view all(text);
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t length = 0; offset + length <= all.size(); length += 7) {
      std::string_view slice = all.substr(offset, length);
      ASSERT_EQ(Crc32c(slice, 0x1234), internal::Crc32cPortable(slice, 0x1234))
          << offset << " " << length;
    }
  }
}

TEST(Crc32cTest, ContinuingEqualsOnePass) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text.push_back(static_cast<char>(i * 7 + 3));
  std::string_view all(text);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, size_t{64}, size_t{4999}, text.size()}) {
    EXPECT_EQ(Crc32c(all.substr(cut), Crc32c(all.substr(0, cut))), Crc32c(all)) << cut;
  }
}

TEST(Crc32cTest, EveryBitFlipChangesIt) {
  std::string text(300, 'x');
  uint32_t good = Crc32c(text);
  for (size_t i = 0; i < text.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      text[i] = static_cast<char>(text[i] ^ (1 << bit));
      EXPECT_NE(Crc32c(text), good);
      text[i] = static_cast<char>(text[i] ^ (1 << bit));
    }
  }
}

}  // namespace
}  // namespace satrap
