// Internal mailbox names (names.h): validation must stop every name that
// could escape the spool before it becomes a path.
#include "mailbox/names.h"

#include <gtest/gtest.h>

namespace satrap::mailbox {
namespace {

struct ValidateCase {
  const char* name;
  Code code;
};

TEST(NamesTest, ValidateName) {
  const std::string too_long(kMaxNameLength + 1, 'a');
  const ValidateCase cases[] = {
      {"user.alice", Code::kOk},
      {"user.alice.Sent", Code::kOk},
      {"user.julien.La Sauce", Code::kOk},
      {"shared", Code::kOk},
      {"example.com!user.bob", Code::kOk},
      {"user.john^doe", Code::kOk},
      {"user.alice.&AOk-t&AOk-", Code::kOk},  // RFC 3501 §5.1.3 "été"
      {"user.alice.&-", Code::kOk},             // "&-" is a literal '&'
      {"", Code::kInvalid},
      {".", Code::kInvalid},
      {"user..alice", Code::kInvalid},
      {"user.alice.", Code::kInvalid},
      {".user", Code::kInvalid},
      {"user.alice/../bob", Code::kInvalid},
      {"user.a/b", Code::kInvalid},
      {"user.a\nb", Code::kInvalid},
      {"user.a\x7f", Code::kInvalid},
      {"user.caf\xc3\xa9", Code::kInvalid},  // 8-bit must arrive as modified UTF-7
      {"user.alice.&AOk", Code::kInvalid},    // unterminated base64 run
      {"user.alice.&A-", Code::kInvalid},     // not whole UTF-16 units
      {"user.alice.&A=-", Code::kInvalid},
      {"!user.bob", Code::kInvalid},
      {"exa mple!user.bob", Code::kInvalid},
      {"example..com!user.bob", Code::kInvalid},
      {"example.com!", Code::kInvalid},
      {"a!b!c", Code::kInvalid},
  };
  for (const ValidateCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ValidateName(c.name).code(), c.code);
  }
  EXPECT_EQ(ValidateName(too_long).code(), Code::kTooBig);
  EXPECT_EQ(ValidateName(std::string(kMaxNameLength, 'a')).code(), Code::kOk);
}

TEST(NamesTest, ParseNameFindsOwnerAndFolders) {
  Result<NameParts> parts = ParseName("example.com!user.bob.Lists.OpenSSL");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->domain, "example.com");
  EXPECT_EQ(parts->local, "user.bob.Lists.OpenSSL");
  ASSERT_TRUE(parts->owner.has_value());
  EXPECT_EQ(*parts->owner, "bob");
  EXPECT_EQ(parts->folders, (std::vector<std::string>{"Lists", "OpenSSL"}));

  parts = ParseName("shared.news");
  ASSERT_TRUE(parts.ok());
  EXPECT_FALSE(parts->owner.has_value());
  EXPECT_EQ(parts->folders, (std::vector<std::string>{"shared", "news"}));
  // "user" alone is a shared top-level name, not a user's INBOX.
  parts = ParseName("user");
  ASSERT_TRUE(parts.ok());
  EXPECT_FALSE(parts->owner.has_value());
  EXPECT_FALSE(ParseName("user..x").ok());
}

TEST(NamesTest, OwnerAndInbox) {
  EXPECT_EQ(OwnerOf("user.alice.Sent").value_or(""), "alice");
  EXPECT_EQ(OwnerOf("example.com!user.bob").value_or(""), "bob@example.com");
  EXPECT_FALSE(OwnerOf("shared.news").has_value());

  EXPECT_EQ(UserInboxName("alice", false).value_or(""), "user.alice");
  EXPECT_EQ(UserInboxName("john.doe", false).value_or(""), "user.john^doe");
  EXPECT_EQ(UserInboxName("bob@Example.COM", true).value_or(""), "example.com!user.bob");
  EXPECT_EQ(UserInboxName("bob@example.com", false).value_or(""), "user.bob@example^com");
  EXPECT_FALSE(UserInboxName("", false).ok());
  EXPECT_FALSE(UserInboxName("a/b", false).ok());
  EXPECT_FALSE(UserInboxName("@example.com", true).ok());

  EXPECT_TRUE(IsUserInbox("user.alice"));
  EXPECT_TRUE(IsUserInbox("d.org!user.alice"));
  EXPECT_FALSE(IsUserInbox("user.alice.Sent"));
  EXPECT_FALSE(IsUserInbox("shared"));
}

TEST(NamesTest, ParentAndSubtree) {
  EXPECT_EQ(ParentName("user.alice.Sent.2024").value_or(""), "user.alice.Sent");
  EXPECT_EQ(ParentName("user.alice.Sent").value_or(""), "user.alice");
  EXPECT_FALSE(ParentName("user.alice").has_value());
  EXPECT_EQ(ParentName("d.org!user.a.b").value_or(""), "d.org!user.a");
  EXPECT_FALSE(ParentName("d.org!user.a").has_value());
  EXPECT_EQ(ParentName("shared.news").value_or(""), "shared");
  EXPECT_FALSE(ParentName("shared").has_value());

  EXPECT_TRUE(IsSameOrUnder("user.a", "user.a"));
  EXPECT_TRUE(IsSameOrUnder("user.a.b", "user.a"));
  EXPECT_FALSE(IsSameOrUnder("user.ab", "user.a"));
  EXPECT_FALSE(IsSameOrUnder("user", "user.a"));
  EXPECT_EQ(ReplacePrefix("user.a.x.y", "user.a.x", "user.a.z"), "user.a.z.y");
}

}  // namespace
}  // namespace satrap::mailbox
