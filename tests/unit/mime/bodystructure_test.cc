#include "mime/bodystructure.h"

#include <gtest/gtest.h>

#include "mime/envelope.h"
#include "mime/header.h"
#include "mime/message.h"
#include "test_util.h"

namespace satrap::mime {
namespace {

using testing::Crlf;

// The message of Dovecot's src/lib-imap/test-imap-bodystructure.c, stored
// with CRLF line ends (Dovecot counts sizes as CRLF too), so the expected
// strings are Dovecot's, byte for byte, inside the outer parentheses.
const char kDovecotMessage[] =
    "From: user@domain.org\n"
    "Date: Sat, 24 Mar 2007 23:00:00 +0200\n"
    "Mime-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"foo\n"
    " bar\"\n"
    "\n"
    "Root MIME prologue\n"
    "\n"
    "--foo bar\n"
    "Content-Type: text/x-myown; charset=us-ascii; foo=\"quoted\\\"string\"\n"
    "Content-ID: <foo@example.com>\n"
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
    "Content-Disposition: inline; foo=bar\n"
    "Content-Description: hellodescription\n"
    "Content-Language: en, fi, se\n"
    "Content-Location: http://example.com/test.txt\n"
    "\n"
    "hello\n"
    "\n"
    "--foo bar\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: sub@domain.org\n"
    "To: sub-to1@domain.org, sub-to2@domain.org\n"
    "Date: Sun, 12 Aug 2012 12:34:56 +0300\n"
    "Subject: submsg\n"
    "Content-Type: multipart/alternative; boundary=\"sub1\"\n"
    "\n"
    "Sub MIME prologue\n"
    "--sub1\n"
    "Content-Type: text/html\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "<p>Hello world</p>\n"
    "\n"
    "--sub1\n"
    "Content-Type: text/plain\n"
    "Content-Transfer-Encoding: ?invalid\n"
    "\n"
    "Hello another world\n"
    "\n"
    "--sub1--\n"
    "Sub MIME epilogue\n"
    "\n"
    "--foo bar--\n"
    "Root MIME epilogue\n";

const char kDovecotBodyStructure[] =
    "((\"text\" \"x-myown\" (\"charset\" \"us-ascii\" \"foo\" \"quoted\\\"string\") "
    "\"<foo@example.com>\" \"hellodescription\" \"7bit\" 7 1 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" "
    "(\"inline\" (\"foo\" \"bar\")) (\"en\" \"fi\" \"se\") \"http://example.com/test.txt\")"
    "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 412 "
    "(\"Sun, 12 Aug 2012 12:34:56 +0300\" \"submsg\" ((NIL NIL \"sub\" \"domain.org\")) "
    "((NIL NIL \"sub\" \"domain.org\")) ((NIL NIL \"sub\" \"domain.org\")) "
    "((NIL NIL \"sub-to1\" \"domain.org\")(NIL NIL \"sub-to2\" \"domain.org\")) NIL NIL NIL NIL) "
    "((\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"8bit\" 20 1 NIL NIL NIL NIL)"
    "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 21 1 NIL NIL NIL NIL) "
    "\"alternative\" (\"boundary\" \"sub1\") NIL NIL NIL) 21 NIL NIL NIL NIL) "
    "\"mixed\" (\"boundary\" \"foo bar\") NIL NIL NIL)";

const char kDovecotBody[] =
    "((\"text\" \"x-myown\" (\"charset\" \"us-ascii\" \"foo\" \"quoted\\\"string\") "
    "\"<foo@example.com>\" \"hellodescription\" \"7bit\" 7 1)"
    "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 412 "
    "(\"Sun, 12 Aug 2012 12:34:56 +0300\" \"submsg\" ((NIL NIL \"sub\" \"domain.org\")) "
    "((NIL NIL \"sub\" \"domain.org\")) ((NIL NIL \"sub\" \"domain.org\")) "
    "((NIL NIL \"sub-to1\" \"domain.org\")(NIL NIL \"sub-to2\" \"domain.org\")) NIL NIL NIL NIL) "
    "((\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"8bit\" 20 1)"
    "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 21 1) \"alternative\") 21) "
    "\"mixed\")";

TEST(BodyStructure, MatchesDovecotTestSuite) {
  std::string raw = Crlf(kDovecotMessage);
  Part root = ParseMessage(raw);
  EXPECT_EQ(BuildBodyStructure(raw, root, true), kDovecotBodyStructure);
  EXPECT_EQ(BuildBodyStructure(raw, root, false), kDovecotBody);
}

// RFC 3501 §7.4.2, the FETCH example: ENVELOPE and BODY of message 12.
TEST(BodyStructure, Rfc3501FetchExample) {
  std::string raw = Crlf(
      "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\n"
      "From: Terry Gray <gray@cac.washington.edu>\n"
      "Subject: IMAP4rev1 WG mtg summary and minutes\n"
      "To: imap@cac.washington.edu\n"
      "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\n"
      "Message-Id: <B27397-0100000@cac.washington.edu>\n"
      "MIME-Version: 1.0\n"
      "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n"
      "Content-Transfer-Encoding: 7BIT\n"
      "\n");
  // 92 lines, 3028 bytes, as in the example.
  for (int i = 0; i < 91; ++i) raw += std::string(31, 'x') + "\r\n";
  raw += std::string(23, 'y') + "\r\n";
  MessageInfo info = AnalyzeMessage(raw);
  EXPECT_EQ(info.envelope,
            "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
            "\"IMAP4rev1 WG mtg summary and minutes\" "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((NIL NIL \"imap\" \"cac.washington.edu\")) "
            "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")"
            "(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
            "\"<B27397-0100000@cac.washington.edu>\")");
  EXPECT_EQ(BuildBodyStructure(raw, info.root, false), "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92)");
}

TEST(Envelope, DefaultsAndQuoting) {
  struct Case {
    const char* name;
    std::string header;
    std::string want;
  } cases[] = {
      {"empty header", "", "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"},
      {"sender and reply-to default to from; empty sender too",
       Crlf("From: a@b\nSender:\nSubject:\n"),
       "(NIL \"\" ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) ((NIL NIL \"a\" \"b\")) "
       "NIL NIL NIL NIL NIL)"},
      {"first occurrence wins; quotes escaped; 8-bit goes literal",
       Crlf("Subject: say \"hi\" \\o/\nSubject: second\nIn-Reply-To: <x@y>\nBcc: caf\xe9@b\n"),
       "(NIL \"say \\\"hi\\\" \\\\o/\" NIL NIL NIL NIL NIL "
       "((NIL NIL {4}\r\ncaf\xe9 \"b\")) \"<x@y>\" NIL)"},
      {"folded subject", Crlf("Subject: a\n  b\n"), "(NIL \"a  b\" NIL NIL NIL NIL NIL NIL NIL NIL)"},
      {"NUL in a value becomes 0x80 in a literal", std::string("Subject: a\0b\r\n", 14),
       "(NIL {3}\r\na\x80" "b NIL NIL NIL NIL NIL NIL NIL NIL)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(BuildEnvelope(c.header), c.want);
  }
}

TEST(BodyStructure, EmptyMultipartGetsOneEmptyPart) {
  std::string raw = Crlf("Content-Type: multipart/mixed; boundary=x\n\nno parts\n");
  Part root = ParseMessage(raw);
  EXPECT_EQ(BuildBodyStructure(raw, root, false),
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0) \"mixed\")");
}

TEST(BodyStructure, Rfc2231AndBasicTypes) {
  std::string raw = Crlf(
      "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
      "Content-Type: application/pdf; name*0=\"long\"; name*1=\"name.pdf\"\n"
      "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.pdf\n"
      "Content-Transfer-Encoding: BASE64\n\nAAAA\n--x--\n");
  Part root = ParseMessage(raw);
  EXPECT_EQ(BuildBodyStructure(raw, root.children[0], true),
            "(\"application\" \"pdf\" (\"name\" \"longname.pdf\") NIL NIL \"BASE64\" 4 NIL "
            "(\"attachment\" (\"filename*\" \"utf-8''%E2%82%AC.pdf\")) NIL NIL)");
}

}  // namespace
}  // namespace satrap::mime
