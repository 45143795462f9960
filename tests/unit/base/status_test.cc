#include "base/status.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "base/result.h"

namespace satrap {
namespace {

TEST(Status, DefaultIsOkAndCostsAPointer) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Code::kOk);
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(sizeof(Status), sizeof(void*));
}

TEST(Status, FactoriesCarryCodeAndMessage) {
  Status s = Status::NotFound("user.bob");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.Is(Code::kNotFound));
  EXPECT_EQ(s.message(), "user.bob");
  EXPECT_EQ(s.ToString(), "NotFound: user.bob");
  Status copy = s;
  EXPECT_EQ(copy.ToString(), s.ToString());
}

TEST(Status, WithContextPrefixesAndKeepsCode) {
  Status s = Status::Corrupt("bad checksum").WithContext("cyrus.index");
  EXPECT_EQ(s.code(), Code::kCorrupt);
  EXPECT_EQ(s.message(), "cyrus.index: bad checksum");
  EXPECT_TRUE(Status().WithContext("x").ok());
}

// A system call's failure never says "no such mailbox" or "permission
// denied" to a client: ENOENT from a lost cyrus.index or an unmounted
// partition must defer a delivery (451), not bounce it (550 5.1.1).
TEST(Status, FromErrnoIsAnIoErrorThatKeepsErrno) {
  for (int err : {ENOENT, EACCES, EPERM, EEXIST, EIO, EROFS, ENOTDIR}) {
    SCOPED_TRACE(err);
    Status s = Status::FromErrno("open /spool/a/user/alice/cyrus.index", err);
    EXPECT_EQ(s.code(), Code::kIoError);
    EXPECT_EQ(s.os_errno(), err);
    EXPECT_EQ(s.IsMissingFile(), err == ENOENT);
    EXPECT_EQ(s.message().rfind("open /spool/a/user/alice/cyrus.index: ", 0), 0u);
  }
  EXPECT_EQ(Status::FromErrno("write", ENOSPC).code(), Code::kTempFail);
  EXPECT_EQ(Status::FromErrno("write", EDQUOT).code(), Code::kTempFail);
  EXPECT_EQ(Status::FromErrno("poll", ETIMEDOUT).code(), Code::kTimeout);
  EXPECT_EQ(Status::FromErrno("write", EPIPE).code(), Code::kClosed);
  // The errno survives context and copies; other statuses have none.
  Status wrapped = Status(Status::FromErrno("open", ENOENT)).WithContext("select");
  EXPECT_TRUE(wrapped.IsMissingFile());
  EXPECT_EQ(Status::NotFound("no such mailbox").os_errno(), 0);
  EXPECT_FALSE(Status::NotFound("no such mailbox").IsMissingFile());
}

Result<int> Half(int x) {
  if (x % 2) return Status::Invalid("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  SATRAP_ASSIGN_OR_RETURN(int half, Half(x));
  SATRAP_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(Result, PropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), Code::kInvalid);
  EXPECT_EQ(Quarter(5).value_or(-1), -1);
}

TEST(ResultDeathTest, ValueOfErrorPanics) {
  Result<int> r = Status::Internal("boom");
  EXPECT_DEATH((void)r.value(), "CHECK");
}

}  // namespace
}  // namespace satrap
