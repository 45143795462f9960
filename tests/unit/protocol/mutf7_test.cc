// Tests for protocol/mutf7.h (RFC 3501 §5.1.3 modified UTF-7).
#include "protocol/mutf7.h"

#include <gtest/gtest.h>

namespace satrap::protocol {
namespace {

struct Pair {
  const char* utf8;
  const char* mutf7;
};

const Pair kPairs[] = {
    {"INBOX", "INBOX"},
    {"", ""},
    {"&", "&-"},
    {"Tom & Jerry", "Tom &- Jerry"},
    // RFC 3501 §5.1.3: "~peter/mail/台北/日本語".
    {"~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
     "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
    {"Entw\xc3\xbc" "rfe", "Entw&APw-rfe"},
    {"\xc3\xa4\xc3\xb6\xc3\xbc", "&AOQA9gD8-"},
    {"\xf0\x9f\x98\x80", "&2D3eAA-"},  // U+1F600, a surrogate pair
    {"a\tb", "a&AAk-b"},                // controls are shifted too
    {"&\xc3\xa4&", "&-&AOQ-&-"},
};

TEST(Mutf7, EncodesAndDecodes) {
  for (const Pair& pair : kPairs) {
    SCOPED_TRACE(pair.mutf7);
    Result<std::string> encoded = Utf8ToMutf7(pair.utf8);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(*encoded, pair.mutf7);
    Result<std::string> decoded = Mutf7ToUtf8(pair.mutf7);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, pair.utf8);
    EXPECT_TRUE(IsValidMutf7(pair.mutf7));
  }
}

TEST(Mutf7, RejectsInvalidMutf7) {
  const char* bad[] = {
      "&",            // unterminated
      "&AOQ",         // unterminated
      "&AGE-",        // encodes "a", which must represent itself
      "&ACY-",        // encodes "&", which is written "&-"
      "&AOQ-&APY-",   // adjacent shifts
      "&AOR-",        // nonzero padding bits
      "&AOQA-",       // superfluous base64 character
      "&AO-",         // too few bits for one UTF-16 unit
      "&2D0-",        // high surrogate alone
      "&3gA-",        // low surrogate alone
      "&2D3YPQ-",     // high surrogate followed by another high surrogate
      "&AOQ/-",       // "/" is not modified base64
      "&AOQ=-",       // no padding characters
      "&AAA-",        // U+0000
      "caf\xc3\xa9",  // raw 8-bit
      "a\tb",         // raw control
      "a\x7f",
  };
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Mutf7ToUtf8(text).code(), Code::kInvalid);
    EXPECT_FALSE(IsValidMutf7(text));
  }
}

TEST(Mutf7, RejectsInvalidUtf8) {
  const char* bad[] = {"\xc3",          "\xc3\x28",     "\xc0\xaf",         "\xe0\x80\xaf",
                       "\xed\xa0\x80",  "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xff",
                       "\xe6\x97"};
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Utf8ToMutf7(text).code(), Code::kInvalid);
  }
  EXPECT_EQ(Utf8ToMutf7(std::string("a\0b", 3)).code(), Code::kInvalid);
  for (const char* text : bad) EXPECT_FALSE(IsValidUtf8(text)) << text;
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
}

// Every code point class survives the round trip.
TEST(Mutf7, RoundTripsCodePoints) {
  for (uint32_t cp : {0x01u, 0x1fu, 0x7fu, 0x80u, 0x7ffu, 0x800u, 0xfffdu, 0x10000u, 0x10ffffu}) {
    SCOPED_TRACE(cp);
    std::string utf8;
    if (cp < 0x80) {
      utf8.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      utf8 = {static_cast<char>(0xc0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3f))};
    } else if (cp < 0x10000) {
      utf8 = {static_cast<char>(0xe0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3f)),
              static_cast<char>(0x80 | (cp & 0x3f))};
    } else {
      utf8 = {static_cast<char>(0xf0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3f)),
              static_cast<char>(0x80 | ((cp >> 6) & 0x3f)), static_cast<char>(0x80 | (cp & 0x3f))};
    }
    for (const std::string& text : {utf8, "x" + utf8 + "y", utf8 + utf8 + utf8}) {
      Result<std::string> encoded = Utf8ToMutf7(text);
      ASSERT_TRUE(encoded.ok());
      Result<std::string> decoded = Mutf7ToUtf8(*encoded);
      ASSERT_TRUE(decoded.ok()) << *encoded;
      EXPECT_EQ(*decoded, text);
    }
  }
}

}  // namespace
}  // namespace satrap::protocol
