// LIST patterns, RFC 3501 §6.3.8: "*" matches zero or more characters at this
// position; "%" is similar but does not match a hierarchy delimiter.
#include "mailbox/glob.h"

#include <gtest/gtest.h>

namespace satrap::mailbox {
namespace {

TEST(GlobTest, Match) {
  struct Case {
    const char* pattern;
    const char* name;
    bool match;
  };
  const Case cases[] = {
      {"*", "INBOX", true},
      {"*", "INBOX.a.b", true},
      {"%", "INBOX", true},
      {"%", "INBOX.a", false},
      {"INBOX.%", "INBOX.a", true},
      {"INBOX.%", "INBOX.a.b", false},
      {"INBOX.*", "INBOX.a.b", true},
      {"INBOX.*", "INBOX", false},
      {"INBOX*", "INBOX", true},
      {"user.%.Sent", "user.bob.Sent", true},
      {"user.%.Sent", "user.bob.x.Sent", false},
      {"user.*.Sent", "user.bob.x.Sent", true},
      {"%b%", "abc", true},
      {"a%c", "a.c", false},
      {"", "", true},
      {"", "a", false},
      {"abc", "abd", false},
      {"*%*", "a.b", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pattern) + " ~ " + c.name);
    EXPECT_EQ(GlobMatch(c.pattern, c.name, '.'), c.match);
  }
  EXPECT_TRUE(GlobMatch("INBOX/%", "INBOX/a.b", '/'));
}

TEST(GlobTest, CouldMatchBelow) {
  EXPECT_TRUE(GlobCouldMatchBelow("INBOX.%", "INBOX", '.'));
  EXPECT_TRUE(GlobCouldMatchBelow("*", "user", '.'));
  EXPECT_FALSE(GlobCouldMatchBelow("%", "INBOX", '.'));
  EXPECT_FALSE(GlobCouldMatchBelow("INBOX", "INBOX", '.'));
  EXPECT_TRUE(GlobCouldMatchBelow("user.%.Sent", "user.bob", '.'));
  EXPECT_FALSE(GlobCouldMatchBelow("user.%.Sent", "user.bob.Sent", '.'));
}

}  // namespace
}  // namespace satrap::mailbox
