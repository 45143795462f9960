#include "mime/decode.h"

#include <gtest/gtest.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include <vector>

#include "mime/charset.h"
#include "mime/parser.h"
#include "mime/search_text.h"
#include "test_util.h"

namespace satrap::mime {
namespace {

using testing::Crlf;

// RFC 4648 §10 test vectors, plus the tolerance mail needs.
TEST(Decode, Base64) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"", ""},         {"Zg==", "f"},          {"Zm8=", "fo"},      {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"},
      {"Zm9v\r\nYmFy\r\n", "foobar"},            // line breaks
      {"Zm9v YmFy!*", "foobar"},                 // junk skipped
      {"Zg==Zm8=", "ffo"},                       // concatenated chunks
      {"Zm9vY", "foo"},                          // a lone trailing sextet is dropped
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(DecodeBase64(c.in), c.want);
  }
}

// RFC 2045 §6.7.
TEST(Decode, QuotedPrintable) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"caf=E9", "caf\xe9"},
      {"caf=e9", "caf\xe9"},                  // lower-case hex tolerated
      {"soft=\r\nbreak", "softbreak"},
      {"soft= \t\r\nbreak", "softbreak"},     // blanks after '=' tolerated
      {"bare=\nlf", "barelf"},
      {"trailing   \r\nspace", "trailing\r\nspace"},
      {"a=3Db", "a=b"},
      {"broken=ZZ", "broken=ZZ"},
      {"end=", "end"},
      {"end=4", "end=4"},
      {"in  side", "in  side"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(DecodeQuotedPrintable(c.in), c.want);
  }
  EXPECT_EQ(DecodeQEncoding("a_b=5F=3f"), "a b_?");
  EXPECT_EQ(DecodeTransferEncoding("Zm9v", "BASE64"), "foo");
  EXPECT_EQ(DecodeTransferEncoding("Zm9v", "8bit"), "Zm9v");
}

// RFC 2047 §8 examples, and the charsets of the brief.
TEST(Decode, EncodedWords) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"=?ISO-8859-1?Q?a?=", "a"},
      {"=?ISO-8859-1?Q?a?= b", "a b"},
      {"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"},
      {"=?ISO-8859-1?Q?a?=  \r\n  =?ISO-8859-1?Q?b?=", "ab"},
      {"=?ISO-8859-1?Q?a_b?=", "a b"},
      {"=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"},
      {"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld J\xc3\xb8rn Simonsen"},
      {"=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"},
      {"=?utf-8?b?w6TDtsO8?=", "\xc3\xa4\xc3\xb6\xc3\xbc"},
      {"=?KOI8-R?B?8NLJ18XU?=", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"},  // Привет
      {"=?utf-8*en?Q?hi?=", "hi"},  // RFC 2231 §5 language
      // A UTF-8 character split between two words (bad, but common).
      {"=?UTF-8?B?ww==?= =?UTF-8?B?pA==?=", "\xc3\xa4"},
      {"=?UTF-8?Q?=C3?= =?UTF-8?Q?=A4?=", "\xc3\xa4"},
      // Broken words stay as written.
      {"=?utf-8?X?abc?=", "=?utf-8?X?abc?="},
      {"=?utf-8?Q?unterminated", "=?utf-8?Q?unterminated"},
      {"=??Q?x?=", "=??Q?x?="},
      {"=?x-unknown-charset?Q?abc?=", "abc"},
      {"plain text", "plain text"},
      {"caf\xe9 latin1 raw", "caf\xc3\xa9 latin1 raw"},
      {"already utf-8: \xc3\xa9", "already utf-8: \xc3\xa9"},
      {"x=?utf-8?q?y?=z", "xyz"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(DecodeEncodedWords(c.in), c.want);
  }
  EXPECT_EQ(DecodeHeaderValue(" =?utf-8?q?a?=\r\n =?utf-8?q?b?="), "ab");
}

TEST(Charset, ConvertAndValidate) {
  EXPECT_EQ(ConvertToUtf8("caf\xe9", "iso-8859-1"), "caf\xc3\xa9");
  EXPECT_EQ(ConvertToUtf8("caf\xe9", "LATIN1"), "caf\xc3\xa9");
  EXPECT_EQ(ConvertToUtf8("\x80", "windows-1252"), "\xe2\x82\xac");
  EXPECT_EQ(ConvertToUtf8("+AOk-", "utf-7"), "\xc3\xa9");
  EXPECT_EQ(ConvertToUtf8("bad \xff utf8", "utf-8"), "bad \xef\xbf\xbd utf8");
  EXPECT_EQ(ConvertToUtf8("\xc3\xa9", "us-ascii"), "\xc3\xa9");   // mislabelled UTF-8
  EXPECT_EQ(ConvertToUtf8("\xe9", "us-ascii"), "\xc3\xa9");       // mislabelled latin-1
  EXPECT_EQ(ConvertToUtf8("x\xe9", "no-such-charset"), "x\xc3\xa9");
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
}

TEST(Charset, FoldForSearch) {
  EXPECT_EQ(FoldForSearch("Hello WORLD"), "hello world");
  EXPECT_EQ(FoldForSearch("STRASSE Straße"), "strasse strasse");
  EXPECT_EQ(FoldForSearch("\xd0\x9f\xd0\xa0\xd0\x98"), "\xd0\xbf\xd1\x80\xd0\xb8");  // ПРИ → при
  EXPECT_EQ(FoldForSearch("\xce\xa3"), "\xcf\x83");  // Σ → σ
  EXPECT_EQ(FoldForSearch("a\xff"), "a\xef\xbf\xbd");
  std::string big(3 << 20, 'A');
  EXPECT_EQ(FoldForSearch(big), std::string(3 << 20, 'a'));
}

// Characters outside ASCII that fold into ASCII, next to ASCII text: the
// ASCII runs take a shortcut, these must still go through Unicode folding.
TEST(Charset, FoldForSearchNonAsciiThatFoldsToAscii) {
  EXPECT_EQ(FoldForSearch("K\xe2\x84\xaaK"), "kkk");            // KELVIN SIGN → k
  EXPECT_EQ(FoldForSearch("Me\xc5\xbfs"), "mess");              // LONG S → s
  EXPECT_EQ(FoldForSearch("\xef\xac\x80ORT"), "ffort");         // LIGATURE FF → ff
  EXPECT_EQ(FoldForSearch("\xc3" "A\xc3\x84"), "\xef\xbf\xbd" "a\xc3\xa4");  // cut sequence, Ä
}

// The whole text folded by ICU in one piece is the reference.
std::string ReferenceFold(std::string_view utf8) {
  std::vector<UChar> wide(utf8.size() + 1);
  int32_t wide_len = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8WithSub(wide.data(), static_cast<int32_t>(wide.size()), &wide_len, utf8.data(),
                       static_cast<int32_t>(utf8.size()), 0xFFFD, nullptr, &status);
  std::vector<UChar> folded(wide.size() * 3 + 1);
  status = U_ZERO_ERROR;
  int32_t n = u_strFoldCase(folded.data(), static_cast<int32_t>(folded.size()), wide.data(),
                            wide_len, U_FOLD_CASE_DEFAULT, &status);
  std::string out(static_cast<size_t>(n) * 3 + 1, '\0');
  int32_t out_len = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8WithSub(out.data(), static_cast<int32_t>(out.size()), &out_len, folded.data(), n,
                     0xFFFD, nullptr, &status);
  out.resize(static_cast<size_t>(out_len));
  return out;
}

TEST(Charset, FoldForSearchEqualsFoldingTheWholeTextAtOnce) {
  const std::string pieces[] = {"A", "z", " ", "\r\n", "\xc3\x84", "\xe2\x84\xaa", "\xc5\xbf",
                                "\xce\xa3", "\xf0\x9f\x98\x80", "\xff", "\xc3", "\xe2\x84",
                                "\xcf\x82", "\xc4\xb0", "I"};
  uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    int n = static_cast<int>(seed % 12);
    for (int i = 0; i < n; ++i) {
      seed = seed * 1103515245 + 12345;
      text += pieces[(seed >> 16) % std::size(pieces)];
    }
    seed = seed * 1103515245 + 12345;
    ASSERT_EQ(FoldForSearch(text), ReferenceFold(text)) << ::testing::PrintToString(text);
  }
}

// The shortcut for plain ASCII values must answer as decoding and folding
// the value would.
TEST(SearchText, HeaderValueContainsAgreesWithFullDecoding) {
  const std::string values[] = {
      " Quarterly Report\r\n", "  spaced   \r\n", " folded\r\n  Report line", " =?utf-8?q?Rep=C3=B6rt?=",
      " Gr\xc3\xbc\xc3\x9fe Report", " tab\there", "", " =?bogus", " K\xe2\x84\xaa report"};
  const std::string needles[] = {"report", "REPORT", "d  rep", "spaced", "spaced   ", " spaced",
                                 "t\tH", "rep\xc3\xb6rt", "gr\xc3\xbcsse", "=?bog", "kk", ""};
  for (const std::string& value : values) {
    for (const std::string& needle : needles) {
      std::string folded = FoldForSearch(needle);
      bool want = FoldForSearch(DecodeHeaderValue(value)).find(folded) != std::string::npos;
      EXPECT_EQ(HeaderValueContains(value, folded), want)
          << ::testing::PrintToString(value) << " / " << ::testing::PrintToString(needle);
    }
  }
}

TEST(SearchText, DecodedBodiesAndNestedMessages) {
  std::string raw = Crlf(
      "Subject: =?utf-8?q?Caf=C3=A9?=\n"
      "Content-Type: multipart/mixed; boundary=x\n\n"
      "--x\n"
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n\n"
      "Gr=FC=DFe\n"
      "--x\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n\n"
      "PGI+SGk8L2I+\n"
      "--x\n"
      "Content-Type: image/png\n"
      "Content-Transfer-Encoding: base64\n\n"
      "aGlkZGVu\n"
      "--x\n"
      "Content-Type: message/rfc822\n\n"
      "Subject: =?KOI8-R?B?8NLJ18XU?=\n\n"
      "inner\n"
      "--x--\n");
  Part root = ParseMessage(raw);
  std::string text = ExtractSearchableText(raw, root);
  EXPECT_NE(text.find("Gr\xc3\xbc\xc3\x9f" "e"), std::string::npos) << text;
  EXPECT_NE(text.find("<b>Hi</b>"), std::string::npos) << text;
  EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
  EXPECT_NE(text.find("Subject: \xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"),
            std::string::npos) << text;
  EXPECT_NE(text.find("inner"), std::string::npos);
  EXPECT_NE(FoldForSearch(text).find(FoldForSearch("GRÜSSE")), std::string::npos);
}

}  // namespace
}  // namespace satrap::mime
