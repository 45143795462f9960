#include "mime/content.h"

#include <gtest/gtest.h>

#include "mime/search_text.h"

namespace satrap::mime {
namespace {

// RFC 2045 §5.1: content := "Content-Type" ":" type "/" subtype
// *(";" parameter); parameter := attribute "=" value; value := token /
// quoted-string.
TEST(Content, ParseContentType) {
  std::optional<ContentType> ct =
      ParseContentType("Text/Plain (a comment); charset=\"ISO-8859-1\"; format=flowed");
  ASSERT_TRUE(ct);
  EXPECT_EQ(ct->type, "Text");
  EXPECT_EQ(ct->subtype, "Plain");
  ASSERT_EQ(ct->params.size(), 2u);
  EXPECT_EQ(ct->params[0], (Param{"charset", "ISO-8859-1"}));
  EXPECT_EQ(ct->params[1], (Param{"format", "flowed"}));
  EXPECT_EQ(FindParam(ct->params, "CHARSET").value_or(""), "ISO-8859-1");

  for (const char* bad : {"", "text", "text/", "/plain", "; charset=x", "\"text\"/plain"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseContentType(bad));
  }
}

TEST(Content, TolerantParameterValues) {
  struct Case {
    const char* in;
    const char* name;
    const char* want;
  } cases[] = {
      {"multipart/mixed; boundary=----=_NextPart_000_0001", "boundary", "----=_NextPart_000_0001"},
      {"application/pdf; name=my file.pdf", "name", "my file.pdf"},
      {"text/plain; charset = utf-8 ", "charset", "utf-8"},
      {"text/plain;; ;charset=x;", "charset", "x"},
      {"text/plain; charset=\"unterminated", "charset", "unterminated"},
      {"multipart/mixed; boundary=\"foo bar\"", "boundary", "foo bar"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    std::optional<ContentType> ct = ParseContentType(c.in);
    ASSERT_TRUE(ct);
    EXPECT_EQ(FindParam(ct->params, c.name).value_or("<none>"), c.want);
  }
}

// RFC 2231 §3 (continuations) and §4 (charset'language'value).
TEST(Content, Rfc2231) {
  std::vector<Param> p = ParseParams(
      "; URL*0=\"ftp://\"; URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], (Param{"URL", "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"}));

  p = ParseParams("; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "title*");
  EXPECT_EQ(DecodeParamValue(p[0]), "This is ***fun***");

  // §4.1: mixed encoded and plain sections; out of order sections.
  p = ParseParams(
      "; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"; "
      "title*0*=us-ascii'en'This%20is%20even%20more%20");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "title*");
  EXPECT_EQ(DecodeParamValue(p[0]), "This is even more ***fun*** isn't it!");

  p = ParseParams("; filename*=UTF-8''%E2%82%AC%20rates.pdf; size=10");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(DecodeParamValue(p[0]), "\xe2\x82\xac rates.pdf");
  EXPECT_EQ(p[1], (Param{"size", "10"}));

  p = ParseParams("; filename*=iso-8859-1'de'Gr%FC%DFe.txt");
  EXPECT_EQ(DecodeParamValue(p[0]), "Gr\xc3\xbc\xc3\x9f" "e.txt");

  // Mailers that put RFC 2047 words in parameters.
  p = ParseParams("; name=\"=?UTF-8?B?w6TDtsO8LnR4dA==?=\"");
  EXPECT_EQ(DecodeParamValue(p[0]), "\xc3\xa4\xc3\xb6\xc3\xbc.txt");
}

TEST(Content, DispositionLanguageEncoding) {
  std::optional<Disposition> d =
      ParseDisposition("attachment; filename=genome.jpeg; modification-date=\"Wed, 12 Feb 1997\"");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, "attachment");
  ASSERT_EQ(d->params.size(), 2u);
  EXPECT_EQ(d->params[1].value, "Wed, 12 Feb 1997");
  EXPECT_FALSE(ParseDisposition(";filename=x"));

  EXPECT_EQ(ParseLanguageList("en, fi,  se (comment)"),
            (std::vector<std::string>{"en", "fi", "se"}));
  EXPECT_EQ(ParseTransferEncoding(" Base64 (yes)"), "Base64");
  EXPECT_EQ(ParseTransferEncoding("?invalid"), "");
  EXPECT_EQ(ParseTransferEncoding(""), "");
}

TEST(Content, ParameterCountIsBounded) {
  std::string many = "text/plain";
  for (int i = 0; i < 1000; ++i) many += "; p" + std::to_string(i) + "=v";
  EXPECT_EQ(ParseContentType(many)->params.size(), kMaxParams);
}

}  // namespace
}  // namespace satrap::mime
