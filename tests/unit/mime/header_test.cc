#include "mime/header.h"

#include <gtest/gtest.h>

#include "base/strings.h"

#include "mime/lexer.h"

namespace satrap::mime {
namespace {

// RFC 5322 §2.1: "A message consists of header fields ... optionally
// followed by a message body", the body "separated from the header section
// by an empty line".
TEST(Header, FindHeaderEnd) {
  struct Case {
    const char* in;
    size_t header_end;
    size_t body_start;
  } cases[] = {
      {"A: b\r\n\r\nbody", 6, 8},
      {"A: b\n\nbody", 5, 6},
      {"A: b\r\n", 6, 6},            // no blank line: all header
      {"A: b", 4, 4},                // no line end at all
      {"\r\nbody", 0, 2},            // empty header
      {"", 0, 0},
      {"A: b\r\n\r", 7, 7},          // a lone CR without LF is header text
      {"A: b\n\r\n\nx", 5, 7},       // CRLF after LF lines still ends the header
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    HeaderExtent e = FindHeaderEnd(c.in);
    EXPECT_EQ(e.header_end, c.header_end);
    EXPECT_EQ(e.body_start, c.body_start);
  }
}

// RFC 5322 §2.2: "field name, followed by a colon, followed by a field
// body"; §2.2.3: folded lines start with WSP.
TEST(Header, ParseFieldsWithFoldingAndGarbage) {
  std::string header =
      " leading continuation\r\n"
      "Subject: hello\r\n"
      " world\r\n"
      "garbage line without colon\r\n"
      "Bad Name: x\r\n"
      "To :  a@b\n"
      "X-Empty:\r\n"
      "\r\n"
      "Body: not a field\r\n";
  std::vector<HeaderField> fields = ParseHeaderFields(header);
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "Subject");
  EXPECT_EQ(fields[0].raw_value, " hello\r\n world");
  EXPECT_EQ(header.substr(fields[0].offset, fields[0].length),
            "Subject: hello\r\n world\r\n");
  EXPECT_EQ(fields[1].name, "To");
  EXPECT_EQ(UnfoldValue(fields[1].raw_value), "a@b");
  EXPECT_EQ(fields[2].name, "X-Empty");
  EXPECT_EQ(fields[2].raw_value, "");
  EXPECT_EQ(UnfoldValue(fields[0].raw_value), "hello world");
  EXPECT_EQ(FindField(fields, "subject").value_or("?"), " hello\r\n world");
  EXPECT_FALSE(FindField(fields, "Body").has_value());
}

// FindFieldValues gives what filtering ParseHeaderFields by name gives.
TEST(Header, FindFieldValuesAgreesWithParseHeaderFields) {
  std::string header =
      " leading continuation\r\n"
      "Subject: hello\r\n"
      " world\r\n"
      "garbage line without colon\r\n"
      "Bad Name: x\r\n"
      "To :  a@b\n"
      "SUBJECT:second\r\n"
      "Subjects: not this one\r\n"
      "X-Empty:\r\n"
      "\r\n"
      "Subject: after the blank line\r\n";
  for (std::string name : {"subject", "To", "x-empty", "Bad Name", "garbage line without colon",
                           "Subjects", "Body", "S"}) {
    std::vector<std::string_view> want;
    for (const HeaderField& f : ParseHeaderFields(header)) {
      if (EqualsIgnoreCase(f.name, name)) want.push_back(f.raw_value);
    }
    std::vector<std::string_view> got;
    FindFieldValues(header, name, [&](std::string_view v) {
      got.push_back(v);
      return false;
    });
    EXPECT_EQ(got, want) << name;
  }
  int calls = 0;
  FindFieldValues(header, "subject", [&](std::string_view) { return ++calls == 1; });
  EXPECT_EQ(calls, 1);  // stops when told to
}

TEST(Header, FieldCountIsBounded) {
  std::string header;
  for (int i = 0; i < 50; ++i) header += "X-A: 1\r\n";
  EXPECT_EQ(ParseHeaderFields(header, 10).size(), 10u);
  EXPECT_EQ(ParseHeaderFields(header).size(), 50u);
}

TEST(Header, UnfoldKeepsNonFoldingBreaks) {
  EXPECT_EQ(UnfoldValue("  a\r\n\tb\n c  "), "a\tb c");
  EXPECT_EQ(UnfoldValue("a\rb"), "a\rb");
}

TEST(Lexer, Rfc5322Tokens) {
  std::vector<Token> t = Tokenize("\"Joe \\\"Q\\\"\" (a (nested) comment) <x.y@[1.2.3.4]>",
                                  LexMode::kRfc5322);
  ASSERT_EQ(t.size(), 9u);
  EXPECT_EQ(t[0].kind, TokenKind::kQuoted);
  EXPECT_EQ(t[0].text, "Joe \"Q\"");
  EXPECT_EQ(t[1].kind, TokenKind::kComment);
  EXPECT_EQ(t[1].text, "a (nested) comment");
  EXPECT_EQ(t[2].text, "<");
  EXPECT_EQ(t[3].text, "x");
  EXPECT_EQ(t[4].text, ".");
  EXPECT_EQ(t[5].text, "y");
  EXPECT_EQ(t[7].kind, TokenKind::kDomainLiteral);
  EXPECT_EQ(t[7].text, "[1.2.3.4]");
}

TEST(Lexer, UnterminatedConstructsRunToTheEnd) {
  for (const char* in : {"\"abc", "(abc", "[abc", "a\\", "((((", ")))"}) {
    SCOPED_TRACE(in);
    std::vector<Token> t = Tokenize(in, LexMode::kRfc5322);
    EXPECT_FALSE(t.empty());
  }
  EXPECT_EQ(Tokenize("\"abc", LexMode::kRfc5322)[0].text, "abc");
}

TEST(Lexer, MimeTokensKeepDots) {
  std::vector<Token> t = Tokenize("text/plain; name=a.b.txt", LexMode::kMime);
  ASSERT_EQ(t.size(), 7u);
  EXPECT_EQ(t[6].text, "a.b.txt");
}

}  // namespace
}  // namespace satrap::mime
