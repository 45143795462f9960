#include "base/crc32.h"

#include <gtest/gtest.h>

#include <string>

namespace satrap {
namespace {

TEST(Crc32Test, CheckValueOfTheStandard) {
  // The check value of CRC-32/ISO-HDLC (the zlib and cyrus.index polynomial).
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
}

TEST(Crc32Test, ContinuingEqualsOnePass) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text.push_back(static_cast<char>(i * 7 + 3));
  for (size_t cut : {size_t{0}, size_t{1}, size_t{7}, size_t{64}, size_t{4999}, text.size()}) {
    std::string_view all(text);
    EXPECT_EQ(Crc32(all.substr(cut), Crc32(all.substr(0, cut))), Crc32(all)) << cut;
  }
}

TEST(Crc32Test, EveryBitFlipChangesIt) {
  std::string text(300, 'x');
  uint32_t good = Crc32(text);
  for (size_t i = 0; i < text.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      text[i] = static_cast<char>(text[i] ^ (1 << bit));
      EXPECT_NE(Crc32(text), good);
      text[i] = static_cast<char>(text[i] ^ (1 << bit));
    }
  }
}

}  // namespace
}  // namespace satrap
