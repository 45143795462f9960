// Tests for protocol/fetch_section.h (RFC 3501 §6.4.5 and §9 section-spec,
// RFC 3516 §4.2 section-binary), through the real parser.
#include "protocol/fetch_section.h"

#include <gtest/gtest.h>

#include "protocol/imap_parser.h"

namespace satrap::protocol {
namespace {

Result<FetchSection> FromWire(const std::string& att) {
  ImapParser parser(ImapLimits{});
  std::string wire = "t FETCH 1 " + att + "\r\n";
  parser.Feed(wire);
  if (parser.state() != ImapParser::State::kCommand) return Status::Invalid("did not parse");
  ImapCommand command = parser.TakeCommand();
  if (command.args.size() != 2) return Status::Invalid("not one attribute");
  return ParseFetchSection(command.args[1]);
}

TEST(FetchSection, Valid) {
  Result<FetchSection> s = FromWire("BODY[]");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->item, FetchSection::Item::kBody);
  EXPECT_FALSE(s->peek);
  EXPECT_TRUE(s->part.empty());
  EXPECT_EQ(s->text, FetchSection::Text::kAll);
  EXPECT_FALSE(s->partial_offset.has_value());

  s = FromWire("body.peek[1.2.HEADER.FIELDS.NOT (From \"To\")]<10.20>");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->peek);
  EXPECT_EQ(s->part, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(s->text, FetchSection::Text::kHeaderFieldsNot);
  EXPECT_EQ(s->fields, (std::vector<std::string>{"From", "To"}));
  EXPECT_EQ(*s->partial_offset, 10u);
  EXPECT_EQ(*s->partial_length, 20u);

  s = FromWire("BODY[3.MIME]<0>");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->text, FetchSection::Text::kMime);
  EXPECT_EQ(*s->partial_offset, 0u);
  EXPECT_FALSE(s->partial_length.has_value());

  for (const char* ok : {"BODY[HEADER]", "BODY[TEXT]", "BODY[4.2.TEXT]", "BODY[1]", "BINARY[]",
                         "BINARY.PEEK[1.3]<0.5>", "BINARY.SIZE[2]", "BODY[header.fields (x)]"}) {
    SCOPED_TRACE(ok);
    EXPECT_TRUE(FromWire(ok).ok());
  }
}

TEST(FetchSection, Invalid) {
  const char* bad[] = {"BODY[MIME]",          "BODY[HEADER.FIELDS]",     "BODY[HEADER (From)]",
                       "BODY[0]",             "BODY[01]",                "BODY[1.]",
                       "BODY[1..2]",          "BODY[FOO]",               "BINARY[TEXT]",
                       "BINARY.SIZE[1]<0.5>", "BODY[HEADER.FIELDS ()]",  "BODY[HEADER.FIELDS (\"\")]",
                       "BODY[HEADER.FIELDS ((a))]", "BODY[TEXT.MIME]"};
  for (const char* att : bad) {
    SCOPED_TRACE(att);
    EXPECT_EQ(FromWire(att).code(), Code::kInvalid);
  }
  ImapArg atom;
  atom.text = "BODY";
  EXPECT_EQ(ParseFetchSection(atom).code(), Code::kInvalid);
}

}  // namespace
}  // namespace satrap::protocol
