#include "base/file.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <stdlib.h>

namespace satrap {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/satrap-file-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { ASSERT_EQ(system(("rm -rf " + dir_).c_str()), 0); }
  std::string dir_;
};

TEST_F(FileTest, AtomicWriteReplacesWholeFile) {
  std::string path = JoinPath(dir_, "f");
  ASSERT_TRUE(WriteFileAtomic(path, "first version").ok());
  ASSERT_TRUE(WriteFileAtomic(path, "2nd").ok());
  Result<std::string> data = ReadFile(path);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, "2nd");
  EXPECT_FALSE(PathExists(path + ".NEW"));
}

TEST_F(FileTest, MakeDirectoriesIsIdempotent) {
  std::string deep = JoinPath(dir_, "a/b/c");
  ASSERT_TRUE(MakeDirectories(deep).ok());
  ASSERT_TRUE(MakeDirectories(deep).ok());
  ASSERT_TRUE(WriteFileAtomic(JoinPath(deep, "x"), "").ok());
  EXPECT_EQ(MakeDirectories(JoinPath(deep, "x")).code(), Code::kInvalid);
}

TEST_F(FileTest, PreadPastEndIsCorrupt) {
  std::string path = JoinPath(dir_, "short");
  ASSERT_TRUE(WriteFileAtomic(path, "abc").ok());
  Result<UniqueFd> fd = OpenFile(path, O_RDONLY);
  ASSERT_TRUE(fd.ok());
  char buf[8];
  EXPECT_EQ(PreadExact(fd->get(), buf, 8, 0).code(), Code::kCorrupt);
  EXPECT_TRUE(PreadExact(fd->get(), buf, 2, 1).ok());
  EXPECT_EQ(std::string(buf, 2), "bc");
}

TEST_F(FileTest, ReadFileAtReadsRelativeToADirectory) {
  ASSERT_TRUE(WriteFileAtomic(JoinPath(dir_, "m"), std::string("a\0b", 3)).ok());
  Result<UniqueFd> dir = OpenFile(dir_, O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(dir.ok());
  Result<std::string> data = ReadFileAt(dir->get(), "m");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, std::string("a\0b", 3));
  EXPECT_TRUE(ReadFileAt(dir->get(), "missing").status().IsMissingFile());
}

TEST(Paths, DirNameAndJoin) {
  EXPECT_EQ(DirName("/var/lib/cyrus/db"), "/var/lib/cyrus");
  EXPECT_EQ(DirName("/x"), "/");
  EXPECT_EQ(DirName("x"), ".");
  EXPECT_EQ(JoinPath("/a/", "b"), "/a/b");
  EXPECT_EQ(JoinPath("/a", "b"), "/a/b");
}

}  // namespace
}  // namespace satrap
