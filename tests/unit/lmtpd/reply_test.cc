// The Status -> LMTP reply table (RFC 2033, RFC 3463 enhanced codes).
#include "lmtpd/reply.h"

#include <gtest/gtest.h>

#include "protocol/smtp.h"

namespace satrap::lmtpd {
namespace {

TEST(ReplyFor, Table) {
  struct Case {
    Status status;
    ReplyContext context;
    bool perm_quota;
    int code;
    const char* enhanced;
  };
  const Case cases[] = {
      {Status(), ReplyContext::kRcpt, false, 250, "2.1.5"},
      {Status(), ReplyContext::kDelivery, false, 250, "2.0.0"},
      {Status::NotFound("secret-detail"), ReplyContext::kRcpt, false, 550, "5.1.1"},
      {Status::Invalid("secret-detail"), ReplyContext::kRcpt, false, 550, "5.1.3"},
      {Status::OverQuota("secret-detail"), ReplyContext::kDelivery, false, 452, "4.2.2"},
      {Status::OverQuota("secret-detail"), ReplyContext::kDelivery, true, 552, "5.2.2"},
      {Status::TooBig("secret-detail"), ReplyContext::kDelivery, false, 552, "5.3.4"},
      {Status::TempFail("secret-detail"), ReplyContext::kDelivery, false, 451, "4.3.0"},
      {Status::IoError("secret-detail"), ReplyContext::kDelivery, false, 451, "4.3.0"},
      // A missing cyrus.index or an unmounted partition: deferred, never bounced.
      {Status::FromErrno("open secret-detail", ENOENT), ReplyContext::kDelivery, false, 451, "4.3.0"},
      {Status::FromErrno("open secret-detail", EACCES), ReplyContext::kRcpt, false, 451, "4.3.0"},
      {Status::RateLimited("secret-detail"), ReplyContext::kDelivery, false, 451, "4.7.1"},
      {Status::NoPermission("secret-detail"), ReplyContext::kDelivery, false, 550, "5.7.1"},
      {Status::Corrupt("secret-detail"), ReplyContext::kDelivery, false, 451, "4.3.0"},
      {Status::Internal("secret-detail"), ReplyContext::kDelivery, false, 451, "4.3.0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status.ToString());
    ReplyOptions options;
    options.over_quota_permanent = c.perm_quota;
    options.session_id = "s1";
    Reply r = ReplyFor(c.status, c.context, options);
    EXPECT_EQ(r.code, c.code);
    EXPECT_EQ(r.enhanced, c.enhanced);
    // RFC 3463 §2: the class digit matches the reply code's.
    EXPECT_TRUE(protocol::IsEnhancedStatus(r.enhanced));
    EXPECT_EQ(r.enhanced[0], '0' + r.code / 100);
    // The client never sees the Status message.
    EXPECT_EQ(r.Format().find("secret-detail"), std::string::npos);
  }
}

TEST(ReplyFor, InternalErrorNamesTheSession) {
  ReplyOptions options;
  options.session_id = "lmtpd-42-7";
  EXPECT_NE(ReplyFor(Status::Internal("secret"), ReplyContext::kDelivery, options)
                .Format()
                .find("lmtpd-42-7"),
            std::string::npos);
}

TEST(DefectReply, EveryDefectIsAFailure) {
  for (SpoolDefect d : {SpoolDefect::kTooBig, SpoolDefect::kNul, SpoolDefect::kBareNewline,
                        SpoolDefect::kLineTooLong, SpoolDefect::kWriteError}) {
    SCOPED_TRACE(static_cast<int>(d));
    Reply r = DefectReply(d, {});
    EXPECT_GE(r.code, 400);
    EXPECT_TRUE(protocol::IsEnhancedStatus(r.enhanced));
  }
  EXPECT_EQ(DefectReply(SpoolDefect::kTooBig, {}).code, 552);
  EXPECT_EQ(EightBitHeaderReply().code, 554);
}

}  // namespace
}  // namespace satrap::lmtpd
