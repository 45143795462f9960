// Tests for protocol/smtp.h: RFC 5321 §4.1 command syntax and paths, RFC 2033
// LHLO, RFC 1870 SIZE, RFC 6152 BODY, RFC 4954 AUTH=, RFC 3030 BDAT, and
// RFC 3463 / RFC 2034 replies.
#include "protocol/smtp.h"

#include <gtest/gtest.h>

namespace satrap::protocol {
namespace {

TEST(Smtp, Verbs) {
  struct Row {
    const char* line;
    SmtpVerb verb;
    const char* argument;
  };
  const Row rows[] = {
      {"LHLO mx.example.com", SmtpVerb::kLhlo, "mx.example.com"},
      {"lhlo mx", SmtpVerb::kLhlo, "mx"},
      {"EHLO x", SmtpVerb::kEhlo, "x"},
      {"HELO x", SmtpVerb::kHelo, "x"},
      {"MAIL FROM:<a@b>", SmtpVerb::kMail, "FROM:<a@b>"},
      {"RCPT TO:<a@b>", SmtpVerb::kRcpt, "TO:<a@b>"},
      {"DATA", SmtpVerb::kData, ""},
      {"BDAT 10 LAST", SmtpVerb::kBdat, "10 LAST"},
      {"RSET", SmtpVerb::kRset, ""},
      {"NOOP", SmtpVerb::kNoop, ""},
      {"QUIT", SmtpVerb::kQuit, ""},
      {"VRFY fred", SmtpVerb::kVrfy, "fred"},
      {"HELP", SmtpVerb::kHelp, ""},
      {"STARTTLS", SmtpVerb::kStartTls, ""},
      {"AUTH PLAIN", SmtpVerb::kAuth, "PLAIN"},
      {"XYZZY now", SmtpVerb::kUnknown, "now"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.line);
    Result<SmtpCommand> command = ParseSmtpCommand(row.line);
    ASSERT_TRUE(command.ok());
    EXPECT_EQ(command->verb, row.verb);
    EXPECT_EQ(command->argument, row.argument);
  }
  for (std::string bad : {std::string(""), std::string(" DATA"), std::string("DA-TA"),
                          std::string("DATA\r"), std::string("DA\0TA", 5), std::string("D\xc3\xa4TA")}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseSmtpCommand(bad).code(), Code::kInvalid);
  }
}

TEST(Smtp, MailFrom) {
  Result<MailFromArgs> args = ParseMailFrom("FROM:<fred@example.com> SIZE=12345 BODY=8BITMIME AUTH=<>");
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->path.local_part, "fred");
  EXPECT_EQ(args->path.domain, "example.com");
  EXPECT_EQ(*args->size, 12345u);
  EXPECT_EQ(args->body, BodyType::k8BitMime);
  EXPECT_EQ(*args->auth, "<>");

  args = ParseMailFrom("from:<>");
  ASSERT_TRUE(args.ok());
  EXPECT_TRUE(args->path.IsNull());
  EXPECT_EQ(args->path.Address(), "");
  EXPECT_FALSE(args->size.has_value());

  args = ParseMailFrom("FROM:<@relay1.example,@relay2.example:joe@example.com> BODY=7bit");
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->path.Address(), "joe@example.com");
  EXPECT_EQ(args->body, BodyType::k7Bit);

  args = ParseMailFrom("FROM:<\"john \\\"j\\\" doe\"@example.com> AUTH=fred+2Bx@example.com");
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->path.local_part, "john \"j\" doe");
  EXPECT_EQ(args->path.Address(), "\"john \\\"j\\\" doe\"@example.com");
  EXPECT_EQ(*args->auth, "fred+x@example.com");

  args = ParseMailFrom("FROM: <a@[192.0.2.1]> BODY=BINARYMIME SMTPUTF8");
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->path.domain, "[192.0.2.1]");
  EXPECT_EQ(args->body, BodyType::kBinaryMime);
  EXPECT_TRUE(args->smtputf8);
}

TEST(Smtp, MailFromErrors) {
  struct Row {
    const char* argument;
    Code code;
  };
  const Row rows[] = {
      {"FROM:a@b", Code::kInvalid},          {"FROM:<a@b", Code::kInvalid},
      {"FROM<a@b>", Code::kInvalid},         {"TO:<a@b>", Code::kInvalid},
      {"FROM:<a@b>SIZE=1", Code::kInvalid},  {"FROM:<a@b> SIZE=x", Code::kInvalid},
      {"FROM:<a@b> SIZE=", Code::kInvalid},  {"FROM:<a@b> SIZE=1 SIZE=2", Code::kInvalid},
      {"FROM:<a@b> BODY=9BIT", Code::kInvalid},
      {"FROM:<a@b> AUTH=+4", Code::kInvalid}, {"FROM:<a@b> AUTH=+zz", Code::kInvalid},
      {"FROM:<a@b> SMTPUTF8=yes", Code::kInvalid},
      {"FROM:<a@b> X-FOO=1", Code::kUnsupported}, {"FROM:<a@b> RET=FULL", Code::kUnsupported},
      {"FROM:<a@b> -X=1", Code::kInvalid},   {"FROM:<a b@c>", Code::kInvalid},
      {"FROM:<a..b@c>", Code::kInvalid},     {"FROM:<.a@c>", Code::kInvalid},
      {"FROM:<a@>", Code::kInvalid},         {"FROM:<a@-c.d>", Code::kInvalid},
      {"FROM:<a@c..d>", Code::kInvalid},     {"FROM:<@c>", Code::kInvalid},
      {"FROM:<a>", Code::kInvalid},          {"FROM:<postmaster>", Code::kInvalid},
      {"FROM:<\"a@b>", Code::kInvalid},      {"FROM:<@x:a@b", Code::kInvalid},
      {"FROM:<@x a@b>", Code::kInvalid},     {"FROM:<a@[1.2]3>", Code::kInvalid},
      {"FROM:<a@b> SIZE=99999999999999999999999", Code::kInvalid},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.argument);
    EXPECT_EQ(ParseMailFrom(row.argument).code(), row.code);
  }
}

TEST(Smtp, RcptTo) {
  Result<RcptToArgs> args = ParseRcptTo("TO:<fred+Sent@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;fred@example.com");
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->path.local_part, "fred+Sent");
  ASSERT_EQ(args->params.size(), 2u);
  EXPECT_EQ(args->params[0].first, "NOTIFY");
  EXPECT_EQ(args->params[1].second, "rfc822;fred@example.com");

  args = ParseRcptTo("To:<Postmaster>");
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->path.Address(), "Postmaster");

  EXPECT_EQ(ParseRcptTo("TO:<>").code(), Code::kInvalid);
  EXPECT_EQ(ParseRcptTo("TO:<fred>").code(), Code::kInvalid);
  // LMTP takes a bare local part (local transports, `deliver`).
  Result<RcptToArgs> bare = ParseRcptTo("TO:<fred+Sent>", DomainRule::kOptional);
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->path.local_part, "fred+Sent");
  EXPECT_EQ(bare->path.domain, "");
  EXPECT_EQ(ParseRcptTo("TO:<>", DomainRule::kOptional).code(), Code::kInvalid);
  EXPECT_EQ(ParseRcptTo("TO:<fred@>", DomainRule::kOptional).code(), Code::kInvalid);
  EXPECT_EQ(ParseRcptTo("TO:<a@b> SIZE=1").code(), Code::kUnsupported);
  EXPECT_EQ(ParseRcptTo("TO:<a@b> NOTIFY").code(), Code::kInvalid);
  EXPECT_EQ(ParseRcptTo("FROM:<a@b>").code(), Code::kInvalid);
}

TEST(Smtp, Bdat) {
  EXPECT_EQ(ParseBdat("100")->size, 100u);
  EXPECT_FALSE(ParseBdat("100")->last);
  EXPECT_TRUE(ParseBdat("0 LAST")->last);
  EXPECT_TRUE(ParseBdat("5 last")->last);
  // Extra blanks are tolerated: the size is what keeps the session in step.
  EXPECT_TRUE(ParseBdat("10  LAST")->last);
  EXPECT_EQ(ParseBdat(" 10 ")->size, 10u);
  for (const char* bad : {"", "x", "10 FIRST", "10 LAST x", "-1", "18446744073709551616"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(ParseBdat(bad).code(), Code::kInvalid);
  }
}

TEST(Smtp, EnhancedStatus) {
  for (const char* good : {"2.0.0", "4.2.2", "5.1.1", "5.7.1", "5.999.999", "2.1.5"}) {
    EXPECT_TRUE(IsEnhancedStatus(good)) << good;
  }
  for (const char* bad : {"", "3.0.0", "2.0", "2.0.0.0", "2.01.0", "2.1000.0", "2.a.0", "2..0"}) {
    EXPECT_FALSE(IsEnhancedStatus(bad)) << bad;
  }
}

// RFC 2034 §3: the enhanced code goes on every line of a multi-line reply.
TEST(Smtp, Replies) {
  EXPECT_EQ(FormatSmtpReply(250, "2.1.0", "Ok"), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(FormatSmtpReply(354, "", "go ahead"), "354 go ahead\r\n");
  EXPECT_EQ(FormatSmtpReplyLines(250, "", {"mail.example.com", "PIPELINING", "8BITMIME"}),
            "250-mail.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
  EXPECT_EQ(FormatSmtpReplyLines(452, "4.2.2", {"Over quota", "try later"}),
            "452-4.2.2 Over quota\r\n452 4.2.2 try later\r\n");
}

}  // namespace
}  // namespace satrap::protocol
