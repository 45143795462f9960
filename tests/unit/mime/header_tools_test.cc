#include "mime/header_tools.h"

#include <gtest/gtest.h>

namespace satrap::mime {
namespace {

TEST(HeaderTools, EightBitDetectionAndMunging) {
  std::string clean = "Subject: hi\r\n\r\nbody \xe9\r\n";
  std::string dirty = "Subject: caf\xe9\r\nFrom: \xc3\xa9@x\r\n\r\nbody \xe9\r\n";
  EXPECT_FALSE(HeaderHas8Bit(clean));  // 8-bit bodies do not count
  EXPECT_TRUE(HeaderHas8Bit(dirty));
  EXPECT_EQ(Munge8BitHeader(dirty), "Subject: cafX\r\nFrom: XX@x\r\n\r\nbody \xe9\r\n");
  EXPECT_EQ(Munge8BitHeader(clean), clean);
  EXPECT_EQ(Munge8BitHeader("X: \xff"), "X: X");
}

TEST(HeaderTools, MessageIdAndDate) {
  std::string raw = "Message-ID:\r\n <abc@example.com>\r\nDate: Thu, 01 Jan 1970 00:01:00 +0000\r\n\r\n"
                    "Message-ID: <body@x>\r\n";
  EXPECT_EQ(FindMessageId(raw).value_or(""), "<abc@example.com>");
  EXPECT_EQ(FindMessageDate(raw).value_or(-1), 60);
  EXPECT_FALSE(FindMessageId("Subject: x\r\n\r\nMessage-ID: <y>\r\n"));
  EXPECT_FALSE(FindMessageId("Message-ID:   \r\n\r\n"));
  EXPECT_FALSE(FindMessageDate("Date: garbage\r\n\r\n"));
}

}  // namespace
}  // namespace satrap::mime
