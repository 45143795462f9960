// UIDL forms (src/pop3d/uidl.h). RFC 1939 §7: a unique-id is 1 to 70
// characters in the range 0x21 to 0x7E. The forms are Cyrus pop3d's
// uidl_msg(): "%u.%u" (uidvalidity, uid), "%u", "%08x%08x" (uid,
// uidvalidity) and "%u-%u" (uidvalidity, uid).
#include "pop3d/uidl.h"

#include <gtest/gtest.h>

#include <string>

namespace satrap::pop3d {
namespace {

TEST(Pop3Uidl, FormatsLikeCyrus) {
  const struct {
    const char* option;
    uint32_t uidvalidity;
    uint32_t uid;
    std::string expected;
  } cases[] = {
      {"cyrus", 1700000000, 42, "1700000000.42"},
      {"uidonly", 1700000000, 42, "42"},
      {"dovecot", 1700000000, 42, "0000002a6553f100"},
      {"courier", 1700000000, 42, "1700000000-42"},
      {"cyrus", 4294967295u, 4294967295u, "4294967295.4294967295"},
      {"dovecot", 4294967295u, 4294967295u, "ffffffffffffffff"},
      {"anything else", 7, 1, "7.1"},  // the config rejects others; default form
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.option);
    std::string uidl = FormatUidl(ParseUidlFormat(c.option), c.uidvalidity, c.uid);
    EXPECT_EQ(uidl, c.expected);
    EXPECT_GE(uidl.size(), 1u);
    EXPECT_LE(uidl.size(), 70u);
    for (char ch : uidl) EXPECT_TRUE(ch >= 0x21 && ch <= 0x7e);
  }
}

TEST(Pop3Uidl, DifferentMessagesDifferentIds) {
  for (const char* option : {"cyrus", "uidonly", "dovecot", "courier"}) {
    SCOPED_TRACE(option);
    UidlFormat f = ParseUidlFormat(option);
    EXPECT_NE(FormatUidl(f, 5, 11), FormatUidl(f, 5, 12));
  }
}

}  // namespace
}  // namespace satrap::pop3d
