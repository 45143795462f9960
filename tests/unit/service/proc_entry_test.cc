// configdirectory/proc/<pid>: written on connect, updated with user and
// mailbox, removed when the connection ends.
#include "service/proc_entry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "base/file.h"

namespace satrap::service {
namespace {

class ProcEntryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/satrap-proc-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

TEST_F(ProcEntryTest, WritesUpdatesAndRemoves) {
  std::string dir = root_ + "/proc";  // created on demand
  std::string path = dir + "/" + std::to_string(::getpid());
  {
    ProcEntry entry(dir, "imap", "[127.0.0.1]:5555");
    EXPECT_EQ(entry.path(), path);
    EXPECT_EQ(*ReadFile(path), "imap\t[127.0.0.1]:5555\t\t\n");
    entry.Update("alice", "user.alice.Sent");
    EXPECT_EQ(*ReadFile(path), "imap\t[127.0.0.1]:5555\talice\tuser.alice.Sent\n");
    entry.Update("alice", "");
    EXPECT_EQ(*ReadFile(path), "imap\t[127.0.0.1]:5555\talice\t\n");
  }
  EXPECT_FALSE(PathExists(path));
}

TEST_F(ProcEntryTest, NoDirectoryMeansNoEntry) {
  ProcEntry entry("", "pop3", "unix");
  EXPECT_TRUE(entry.path().empty());
  entry.Update("bob", "INBOX");  // harmless
}

TEST_F(ProcEntryTest, UnwritableDirectoryIsNotFatal) {
  std::string file = root_ + "/not-a-dir";
  ASSERT_TRUE(WriteFileAtomic(file, "x").ok());
  ProcEntry entry(file + "/proc", "imap", "unix");  // mkdir fails under a file
  EXPECT_TRUE(entry.path().empty());
}

}  // namespace
}  // namespace satrap::service
