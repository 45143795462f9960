// Spool paths: the hashed tree of the Debian guide (001 seed).
#include "mailbox/partition.h"

#include <gtest/gtest.h>

namespace satrap::mailbox {
namespace {

TEST(PartitionTest, HashedSpoolMatchesTheDebianTree) {
  struct Case {
    const char* name;
    bool hashed;
    const char* path;
  };
  const Case cases[] = {
      {"user.julien.Lists.OpenSSL", true, "j/user/julien/Lists/OpenSSL"},
      {"user.julien.La Sauce", true, "j/user/julien/La Sauce"},
      {"user.njm", true, "n/user/njm"},
      {"user.Bogdana", true, "b/user/Bogdana"},
      {"user.9lives", true, "q/user/9lives"},
      {"shared.news", true, "s/shared/news"},
      {"user.julien.Lists.OpenSSL", false, "user/julien/Lists/OpenSSL"},
      {"example.com!user.bob.Sent", true, "domain/e/example.com/b/user/bob/Sent"},
      {"example.com!user.bob", false, "domain/example.com/user/bob"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<std::string> path = MailboxRelativePath(c.name, c.hashed);
    ASSERT_TRUE(path.ok());
    EXPECT_EQ(*path, c.path);
  }
  EXPECT_FALSE(MailboxRelativePath("user..x", true).ok());
  EXPECT_FALSE(MailboxRelativePath("user.a/../../etc", true).ok());
}

TEST(PartitionTest, UserFiles) {
  EXPECT_EQ(UserFilePath("/var/lib/cyrus", "julien", ".seen", false).value_or(""),
            "/var/lib/cyrus/user/j/julien.seen");
  EXPECT_EQ(UserFilePath("/c", "bob@Example.com", ".sub", true).value_or(""),
            "/c/domain/e/example.com/user/b/bob.sub");
  EXPECT_EQ(UserFilePath("/c", "bob@example.com", ".sub", false).value_or(""),
            "/c/user/b/bob@example.com.sub");
  for (const char* bad : {"", "../x", "a/b", ".hidden", "a\nb"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(UserFilePath("/c", bad, ".sub", false).ok());
  }
  EXPECT_FALSE(UserFilePath("/c", "@example.com", ".sub", true).ok());
}

TEST(PartitionTest, PartitionRoots) {
  Partitions partitions({{"default", "/var/spool/cyrus/mail"}, {"big", "/big"}}, "default");
  EXPECT_EQ(partitions.Root("").value_or(""), "/var/spool/cyrus/mail");
  EXPECT_EQ(partitions.Root("big").value_or(""), "/big");
  EXPECT_EQ(partitions.Root("none").code(), Code::kNotFound);
}

}  // namespace
}  // namespace satrap::mailbox
