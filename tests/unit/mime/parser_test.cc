#include "mime/parser.h"

#include <gtest/gtest.h>

#include "mime/bodystructure.h"
#include "test_util.h"

namespace satrap::mime {
namespace {

using testing::Crlf;

std::string_view Body(std::string_view raw, const Part& p) {
  return raw.substr(p.body_offset, p.body_size());
}

TEST(Parser, SimpleTextMessage) {
  std::string raw = Crlf("From: a@b\nSubject: x\n\nline one\nline two\n");
  Part root = ParseMessage(raw);
  EXPECT_EQ(root.kind, PartKind::kLeaf);
  EXPECT_EQ(root.header_offset, 0u);
  EXPECT_EQ(Body(raw, root), "line one\r\nline two\r\n");
  EXPECT_EQ(root.body_lines, 2u);
  // RFC 2045 §5.2: the default is text/plain; charset=us-ascii, 7bit.
  EXPECT_EQ(root.content_type.type, "text");
  EXPECT_EQ(root.content_type.subtype, "plain");
  EXPECT_EQ(root.encoding, "7bit");
  EXPECT_TRUE(root.children.empty());
}

// RFC 2046 §5.1.1: "The CRLF preceding the boundary delimiter line is
// conceptually attached to the boundary".
TEST(Parser, MultipartAlternativeOffsets) {
  std::string raw = Crlf(
      "Content-Type: multipart/alternative; boundary=\"b1\"\n"
      "\n"
      "preamble\n"
      "--b1\n"
      "Content-Type: text/plain\n"
      "\n"
      "plain\n"
      "--b1  \n"
      "Content-Type: text/html\n"
      "\n"
      "<p>html</p>\n"
      "\n"
      "--b1--\n"
      "epilogue\n");
  Part root = ParseMessage(raw);
  ASSERT_EQ(root.kind, PartKind::kMultipart);
  ASSERT_EQ(root.children.size(), 2u);
  const Part& p1 = root.children[0];
  const Part& p2 = root.children[1];
  EXPECT_EQ(raw.substr(p1.header_offset, p1.body_offset - p1.header_offset),
            "Content-Type: text/plain\r\n\r\n");
  EXPECT_EQ(Body(raw, p1), "plain");
  EXPECT_EQ(p1.body_lines, 0u);
  EXPECT_EQ(Body(raw, p2), "<p>html</p>\r\n");
  EXPECT_EQ(p2.content_type.subtype, "html");
}

TEST(Parser, MixedWithAttachmentAndNestedMessage) {
  std::string raw = Crlf(
      "Content-Type: multipart/mixed; boundary=outer\n"
      "\n"
      "--outer\n"
      "\n"
      "implicit text/plain\n"
      "--outer\n"
      "Content-Type: application/octet-stream; name=a.bin\n"
      "Content-Transfer-Encoding: base64\n"
      "Content-Disposition: attachment; filename=a.bin\n"
      "\n"
      "AAEC\n"
      "--outer\n"
      "Content-Type: message/rfc822\n"
      "\n"
      "Subject: inner\n"
      "Content-Type: multipart/mixed; boundary=inner\n"
      "\n"
      "--inner\n"
      "\n"
      "inner text\n"
      "--inner--\n"
      "--outer--\n");
  Part root = ParseMessage(raw);
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(Body(raw, root.children[0]), "implicit text/plain");
  const Part& attachment = root.children[1];
  EXPECT_EQ(attachment.encoding, "base64");
  ASSERT_TRUE(attachment.disposition);
  EXPECT_EQ(attachment.disposition->type, "attachment");
  const Part& message = root.children[2];
  ASSERT_EQ(message.kind, PartKind::kMessage);
  ASSERT_EQ(message.children.size(), 1u);
  const Part& inner = message.children[0];
  EXPECT_EQ(inner.header_offset, message.body_offset);
  EXPECT_EQ(inner.end_offset, message.end_offset);
  ASSERT_EQ(inner.kind, PartKind::kMultipart);
  ASSERT_EQ(inner.children.size(), 1u);
  EXPECT_EQ(Body(raw, inner.children[0]), "inner text");
}

// Broken input of every kind: the tree must stay usable and in bounds.
TEST(Parser, ToleratesBrokenInput) {
  struct Case {
    const char* name;
    std::string raw;
    size_t children;
    const char* first_body;
  } cases[] = {
      {"missing close delimiter",
       Crlf("Content-Type: multipart/mixed; boundary=x\n\n--x\n\none\n--x\n\ntwo\n"), 2, "one"},
      {"bare LF line ends",
       "Content-Type: multipart/mixed; boundary=x\n\n--x\n\none\n--x--\n", 1, "one"},
      {"no delimiter at all",
       Crlf("Content-Type: multipart/mixed; boundary=x\n\njust text\n"), 1, ""},
      {"delimiter prefix is not a delimiter",
       Crlf("Content-Type: multipart/mixed; boundary=x\n\n--x\n\n--xy\n--x--\n"), 1, "--xy"},
      {"NUL bytes",
       Crlf("Content-Type: multipart/mixed; boundary=x\n\n--x\n\na") + std::string(1, '\0') +
           Crlf("b\n--x--\n"),
       1, nullptr},
      {"empty parts", Crlf("Content-Type: multipart/mixed; boundary=x\n\n--x\n--x\n--x--\n"), 2, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Part root = ParseMessage(c.raw);
    ASSERT_EQ(root.kind, PartKind::kMultipart);
    ASSERT_EQ(root.children.size(), c.children);
    for (const Part& child : root.children) {
      EXPECT_LE(root.body_offset, child.header_offset);
      EXPECT_LE(child.header_offset, child.body_offset);
      EXPECT_LE(child.body_offset, child.end_offset);
      EXPECT_LE(child.end_offset, root.end_offset);
    }
    if (c.first_body) {
      EXPECT_EQ(Body(c.raw, root.children[0]), c.first_body);
    }
  }
  EXPECT_EQ(Body(cases[4].raw, ParseMessage(cases[4].raw).children[0]), std::string("a\0b", 3));
}

TEST(Parser, MultipartWithoutBoundaryIsOpaqueText) {
  Part root = ParseMessage(Crlf("Content-Type: multipart/mixed\n\n--x\n\nbody\n"));
  EXPECT_EQ(root.kind, PartKind::kLeaf);
  EXPECT_EQ(root.content_type.type, "text");
  EXPECT_TRUE(root.children.empty());
}

TEST(Parser, EncodedMessageIsOpaque) {
  Part root = ParseMessage(
      Crlf("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeA==\n"));
  EXPECT_EQ(root.kind, PartKind::kLeaf);
  EXPECT_FALSE(root.IsMessage());
}

TEST(Parser, HeaderOnlyAndEmptyMessages) {
  Part root = ParseMessage("Subject: no body");
  EXPECT_EQ(root.body_offset, 16u);
  EXPECT_EQ(root.body_size(), 0u);
  Part empty = ParseMessage("");
  EXPECT_EQ(empty.end_offset, 0u);
}

TEST(Parser, EightBitAndGarbageHeaders) {
  std::string raw = Crlf("Subject: caf\xe9\n\x01\x02 garbage\nContent-Type: text/html\n\nx\n");
  Part root = ParseMessage(raw);
  EXPECT_EQ(root.content_type.subtype, "html");
}

// Dovecot and this parser both stop at 100 levels: deeper multiparts become
// opaque text/plain leaves, and nothing recurses without bound.
TEST(Parser, NestingDepthIsBounded) {
  std::string raw;
  const int levels = 150;
  for (int i = 0; i < levels; ++i) {
    raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
           std::to_string(i) + "\r\n";
  }
  raw += "\r\ndeep\r\n";
  Part root = ParseMessage(raw);
  int depth = 0;
  const Part* p = &root;
  while (p->kind == PartKind::kMultipart) {
    ASSERT_EQ(p->children.size(), 1u);
    p = &p->children[0];
    ++depth;
  }
  EXPECT_EQ(depth, kMaxDepth);
  EXPECT_EQ(p->content_type.type, "text");
  // The BODYSTRUCTURE of such a message is still complete.
  std::string bs = BuildBodyStructure(raw, root, true);
  EXPECT_EQ(std::count(bs.begin(), bs.end(), '('), std::count(bs.begin(), bs.end(), ')'));
}

TEST(Parser, PartCountIsBounded) {
  std::string raw = "Content-Type: multipart/mixed; boundary=x\r\n\r\n";
  for (size_t i = 0; i < kMaxParts + 50; ++i) raw += "--x\r\n\r\nz\r\n";
  Part root = ParseMessage(raw);
  EXPECT_LT(root.children.size(), kMaxParts);
  EXPECT_GT(root.children.size(), kMaxParts - 10);
}

TEST(Parser, DigestDefaultsToMessage) {
  std::string raw = Crlf(
      "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nbody\n--d--\n");
  Part root = ParseMessage(raw);
  ASSERT_EQ(root.children.size(), 1u);
  EXPECT_EQ(root.children[0].kind, PartKind::kMessage);
}

}  // namespace
}  // namespace satrap::mime
