#include "mime/section.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace satrap::mime {
namespace {

using testing::Crlf;

// The message of RFC 3501 §6.4.5's example, each leaf body naming its part.
const char kRfc3501Example[] =
    "Subject: top\n"
    "Content-Type: MULTIPART/MIXED; boundary=a\n"
    "\n"
    "--a\n"
    "Content-Type: TEXT/PLAIN\n"
    "\n"
    "B1\n"
    "--a\n"
    "Content-Type: APPLICATION/OCTET-STREAM\n"
    "\n"
    "B2\n"
    "--a\n"
    "Content-Type: MESSAGE/RFC822\n"
    "\n"
    "Subject: three\n"
    "Content-Type: MULTIPART/MIXED; boundary=b\n"
    "\n"
    "--b\n"
    "Content-Type: TEXT/PLAIN\n"
    "\n"
    "B3.1\n"
    "--b\n"
    "Content-Type: APPLICATION/OCTET-STREAM\n"
    "\n"
    "B3.2\n"
    "--b--\n"
    "--a\n"
    "Content-Type: MULTIPART/MIXED; boundary=c\n"
    "\n"
    "--c\n"
    "Content-Type: IMAGE/GIF\n"
    "\n"
    "B4.1\n"
    "--c\n"
    "Content-Type: MESSAGE/RFC822\n"
    "\n"
    "Subject: four-two\n"
    "Content-Type: MULTIPART/MIXED; boundary=d\n"
    "\n"
    "--d\n"
    "Content-Type: TEXT/PLAIN\n"
    "\n"
    "B4.2.1\n"
    "--d\n"
    "Content-Type: MULTIPART/ALTERNATIVE; boundary=e\n"
    "\n"
    "--e\n"
    "Content-Type: TEXT/PLAIN\n"
    "\n"
    "B4.2.2.1\n"
    "--e\n"
    "Content-Type: TEXT/RICHTEXT\n"
    "\n"
    "B4.2.2.2\n"
    "--e--\n"
    "--d--\n"
    "--c--\n"
    "--a--\n";

std::string Fetch(std::string_view raw, const Part& root, std::string_view spec_text) {
  Result<SectionSpec> spec = ParseSectionSpec(spec_text);
  if (!spec.ok()) return "<bad spec>";
  Result<std::string> bytes = FetchSection(raw, root, *spec);
  if (!bytes.ok()) return "<" + std::string(CodeName(bytes.code())) + ">";
  return *bytes;
}

TEST(Section, Rfc3501Example) {
  std::string raw = Crlf(kRfc3501Example);
  Part root = ParseMessage(raw);
  struct Case {
    const char* spec;
    std::string want;
  } cases[] = {
      {"1", "B1"},
      {"2", "B2"},
      {"3.1", "B3.1"},
      {"3.2", "B3.2"},
      {"3.HEADER", Crlf("Subject: three\nContent-Type: MULTIPART/MIXED; boundary=b\n\n")},
      {"3.HEADER.FIELDS (subject)", Crlf("Subject: three\n\n")},
      {"3.TEXT", Crlf("--b\nContent-Type: TEXT/PLAIN\n\nB3.1\n--b\n"
                      "Content-Type: APPLICATION/OCTET-STREAM\n\nB3.2\n--b--")},
      {"4.1", "B4.1"},
      {"4.1.MIME", Crlf("Content-Type: IMAGE/GIF\n\n")},
      {"4.2.HEADER.FIELDS.NOT (Content-Type)", Crlf("Subject: four-two\n\n")},
      {"4.2.1", "B4.2.1"},
      {"4.2.2.1", "B4.2.2.1"},
      {"4.2.2.2", "B4.2.2.2"},
      {"4.2.2.2.MIME", Crlf("Content-Type: TEXT/RICHTEXT\n\n")},
      {"HEADER", Crlf("Subject: top\nContent-Type: MULTIPART/MIXED; boundary=a\n\n")},
      {"HEADER.FIELDS (SUBJECT \"X-None\")", Crlf("Subject: top\n\n")},
      {"", raw},
      {"TEXT", raw.substr(raw.find("--a"))},
      // Errors.
      {"5", "<NotFound>"},
      {"1.1", "<NotFound>"},
      {"4.3", "<NotFound>"},
      {"1.HEADER", "<Invalid>"},
      {"4.HEADER", "<Invalid>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.spec);
    EXPECT_EQ(Fetch(raw, root, c.spec), c.want);
  }
  // The part 3 body is the whole encapsulated message.
  EXPECT_EQ(Fetch(raw, root, "3").substr(0, 14), "Subject: three");
}

// RFC 3501 §6.4.5: "Every message has at least one part number. Non-[MIME-IMB]
// messages, and non-multipart [MIME-IMB] messages with no encapsulated
// message, only have a part 1."
TEST(Section, NonMultipartMessageHasPartOne) {
  std::string raw = Crlf("Subject: s\nContent-Type: text/plain\n\nbody\n");
  Part root = ParseMessage(raw);
  EXPECT_EQ(Fetch(raw, root, "1"), "body\r\n");
  EXPECT_EQ(Fetch(raw, root, "1.MIME"), Crlf("Subject: s\nContent-Type: text/plain\n\n"));
  EXPECT_EQ(Fetch(raw, root, "2"), "<NotFound>");
  EXPECT_EQ(Fetch(raw, root, "1.1"), "<NotFound>");
  EXPECT_EQ(Fetch(raw, root, "TEXT"), "body\r\n");
}

TEST(Section, MessageRfc822AtTopLevel) {
  std::string raw = Crlf("Content-Type: message/rfc822\n\nSubject: in\n\ninner body\n");
  Part root = ParseMessage(raw);
  EXPECT_EQ(Fetch(raw, root, "1.HEADER"), Crlf("Subject: in\n\n"));
  EXPECT_EQ(Fetch(raw, root, "1.TEXT"), "inner body\r\n");
  EXPECT_EQ(Fetch(raw, root, "1.1"), "inner body\r\n");
}

TEST(Section, ParseSectionSpec) {
  struct Case {
    const char* in;
    bool ok;
    std::vector<uint32_t> part;
    SectionText text;
  } cases[] = {
      {"", true, {}, SectionText::kNone},
      {"1.2.3", true, {1, 2, 3}, SectionText::kNone},
      {"header", true, {}, SectionText::kHeader},
      {"2.Text", true, {2}, SectionText::kText},
      {"1.2.MIME", true, {1, 2}, SectionText::kMime},
      {"HEADER.FIELDS (a b)", true, {}, SectionText::kHeaderFields},
      {"3.HEADER.FIELDS.NOT (a)", true, {3}, SectionText::kHeaderFieldsNot},
      {"MIME", false, {}, SectionText::kNone},
      {"0", false, {}, SectionText::kNone},
      {"01", false, {}, SectionText::kNone},
      {"1.", false, {}, SectionText::kNone},
      {"1..2", false, {}, SectionText::kNone},
      {"4294967296", false, {}, SectionText::kNone},
      {"HEADER.FIELDS ()", false, {}, SectionText::kNone},
      {"HEADER.FIELDS (a", false, {}, SectionText::kNone},
      {"HEADER.FIELDS a", false, {}, SectionText::kNone},
      {"BODY", false, {}, SectionText::kNone},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    Result<SectionSpec> spec = ParseSectionSpec(c.in);
    ASSERT_EQ(spec.ok(), c.ok);
    if (!c.ok) continue;
    EXPECT_EQ(spec->part, c.part);
    EXPECT_EQ(spec->text, c.text);
  }
  EXPECT_EQ(ParseSectionSpec("HEADER.FIELDS (From \"X Y\")")->fields,
            (std::vector<std::string>{"From", "X Y"}));
}

TEST(Section, FilterHeaderFieldsKeepsFoldingAndOrder) {
  std::string header = "To: a\r\nSubject: x\r\n y\r\nto: b\r\nX: 1";
  EXPECT_EQ(FilterHeaderFields(header, {"TO", "subject"}, false),
            "To: a\r\nSubject: x\r\n y\r\nto: b\r\n\r\n");
  EXPECT_EQ(FilterHeaderFields(header, {"to", "subject"}, true), "X: 1\r\n\r\n");
  EXPECT_EQ(FilterHeaderFields(header, {"none"}, false), "\r\n");
}

}  // namespace
}  // namespace satrap::mime
