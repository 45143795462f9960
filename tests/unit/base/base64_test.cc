#include "base/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace satrap {
namespace {

using namespace std::string_literals;

// RFC 4648 section 10, test vectors.
TEST(Base64, Rfc4648Vectors) {
  struct Case {
    const char* plain;
    const char* encoded;
  } cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.plain);
    EXPECT_EQ(Base64Encode(c.plain), c.encoded);
    Result<std::string> decoded = Base64Decode(c.encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, c.plain);
  }
}

// RFC 4616 PLAIN message "\0tim\0tanstaaftanstaaf", with its NULs.
TEST(Base64, BinaryRoundTrip) {
  std::string plain = "\0tim\0tanstaaftanstaaf"s;
  EXPECT_EQ(Base64Encode(plain), "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  for (size_t len = 0; len <= all_bytes.size(); len += 37) {
    SCOPED_TRACE(len);
    std::string slice = all_bytes.substr(0, len);
    Result<std::string> decoded = Base64Decode(Base64Encode(slice));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, slice);
  }
}

// Network input that is not strict base64 is refused, never repaired.
TEST(Base64, RejectsMalformed) {
  const char* cases[] = {
      "Zg",        // missing padding
      "Zg=",       // length not a multiple of 4
      "Z===",      // too much padding
      "====",      // padding only
      "Zg==Zg==",  // padding in the middle
      "Zm9v Yg==", // whitespace
      "Zm9v\r\n",  // line break
      "Zm9-",      // base64url alphabet is not the SASL one
      "Zm9_",
      "Zm9v\x80\x80==",  // 8-bit bytes
      "*",         // an IMAP cancel is the protocol's business, not base64
      "Z=g=",
  };
  for (const char* c : cases) {
    SCOPED_TRACE(c);
    Result<std::string> decoded = Base64Decode(c);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.code(), Code::kInvalid);
  }
}

TEST(Base64, NulInsideInputIsRejected) {
  Result<std::string> decoded = Base64Decode(std::string_view("Zm\0v", 4));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.code(), Code::kInvalid);
}

}  // namespace
}  // namespace satrap
