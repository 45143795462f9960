// Status -> "-ERR" lines (src/pop3d/reply.h), with RFC 2449 §8 and RFC 3206
// response codes:
//   "[IN-USE]" ... "the maildrop is already locked" (RFC 2449 §8.1.1)
//   "[LOGIN-DELAY]" ... "the user is logging in too soon" (RFC 2449 §8.1.2)
//   "[SYS/TEMP]" "a problem with a resource or other system component ...
//    likely to be transient" / "[SYS/PERM]" ... "permanent" (RFC 3206 §4)
//   "[AUTH]" "a problem with the user's credentials" (RFC 3206 §5)
#include "pop3d/reply.h"

#include <gtest/gtest.h>

#include <string>

namespace satrap::pop3d {
namespace {

struct Case {
  Code code;
  std::string prefix;  // what the line must start with
};

TEST(Pop3Reply, MaildropErrorsCarryTheRightCode) {
  const Case cases[] = {
      {Code::kInUse, "-ERR [IN-USE] "},       {Code::kNotFound, "-ERR [SYS/PERM] "},
      {Code::kNoPermission, "-ERR [SYS/PERM] "}, {Code::kOverQuota, "-ERR [SYS/PERM] "},
      {Code::kCorrupt, "-ERR [SYS/PERM] "},   {Code::kTempFail, "-ERR [SYS/TEMP] "},
      {Code::kTimeout, "-ERR [SYS/TEMP] "},   {Code::kIoError, "-ERR [SYS/TEMP] "},
      {Code::kInternal, "-ERR [SYS/TEMP] Internal error, see server log (session s-1)"},
      {Code::kInvalid, "-ERR "},
      {Code::kRateLimited, "-ERR [LOGIN-DELAY] "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(CodeName(c.code)));
    std::string line = ErrLine(Status::Error(c.code, "secret detail /var/x"), "s-1");
    EXPECT_EQ(line.rfind(c.prefix, 0), 0u) << line;
    EXPECT_EQ(line.substr(line.size() - 2), "\r\n");
    EXPECT_EQ(line.find("secret detail"), std::string::npos) << "log detail leaked: " << line;
  }
}

TEST(Pop3Reply, AuthErrorsNeverTellUsersApart) {
  const Case cases[] = {
      {Code::kNoPermission, "-ERR [AUTH] Authentication failed"},
      {Code::kNotFound, "-ERR [AUTH] Authentication failed"},
      {Code::kInvalid, "-ERR [AUTH] "},
      {Code::kUnsupported, "-ERR [AUTH] "},
      {Code::kTempFail, "-ERR [SYS/TEMP] "},
      {Code::kInternal, "-ERR [SYS/TEMP] Internal error"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(CodeName(c.code)));
    std::string line = AuthErrLine(Status::Error(c.code, "SASL(-13): user not found"), "s-1");
    EXPECT_EQ(line.rfind(c.prefix, 0), 0u) << line;
    EXPECT_EQ(line.find("SASL"), std::string::npos) << line;
  }
}

TEST(Pop3Reply, MessageGoneIsNotAMaildropError) {
  EXPECT_EQ(MessageErrLine(Status::NotFound("expunged"), "s"),
            "-ERR Message was removed by another session\r\n");
  EXPECT_EQ(MessageErrLine(Status::IoError("read"), "s").rfind("-ERR [SYS/TEMP] ", 0), 0u);
  EXPECT_EQ(Err("", "x"), "-ERR x\r\n");
  EXPECT_EQ(Err("AUTH", "x"), "-ERR [AUTH] x\r\n");
}

}  // namespace
}  // namespace satrap::pop3d
