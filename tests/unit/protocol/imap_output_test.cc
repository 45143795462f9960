// Tests for protocol/imap_output.h: astring / string / nstring in the
// cheapest form RFC 3501 §9 allows, and response codes.
#include "protocol/imap_output.h"

#include <gtest/gtest.h>

#include "protocol/imap_parser.h"

namespace satrap::protocol {
namespace {

TEST(ImapOutput, Astring) {
  struct Row {
    std::string in;
    std::string out;
  };
  const Row rows[] = {
      {"INBOX", "INBOX"},
      {"user.fred", "user.fred"},
      {"", "\"\""},
      {"NIL", "\"NIL\""},
      {"nil", "\"nil\""},
      {"a b", "\"a b\""},
      {"a\"b", "\"a\\\"b\""},
      {"a\\b", "\"a\\\\b\""},
      {"50%", "\"50%\""},
      {"a*", "\"a*\""},
      {"a]", "\"a]\""},
      {"(x)", "\"(x)\""},
      {"{5}", "\"{5}\""},
      {"a\r\nb", "{4}\r\na\r\nb"},
      {"caf\xc3\xa9", "{5}\r\ncaf\xc3\xa9"},
      {std::string(1025, 'x') + " ", "{1026}\r\n" + std::string(1025, 'x') + " "},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.in);
    std::string out;
    AppendAstring(&out, row.in);
    EXPECT_EQ(out, row.out);
  }
  ImapStringOptions utf8;
  utf8.utf8_quoted = true;
  std::string out;
  AppendAstring(&out, "caf\xc3\xa9", utf8);
  EXPECT_EQ(out, "\"caf\xc3\xa9\"");
}

TEST(ImapOutput, StringAndNstring) {
  std::string out;
  AppendString(&out, "INBOX");
  out += ' ';
  AppendNstring(&out, std::nullopt);
  out += ' ';
  AppendNstring(&out, "NIL");
  out += ' ';
  AppendLiteral8(&out, std::string("a\0b", 3));
  EXPECT_EQ(out, std::string("\"INBOX\" NIL \"NIL\" ~{3}\r\na\0b", 27));
}

// What we write, our own parser reads back unchanged.
TEST(ImapOutput, ParserReadsBackWhatWeWrite) {
  const std::string values[] = {"INBOX", "", "NIL", "a \"q\" \\", "x\r\ny", "50%", "]"};
  for (const std::string& value : values) {
    SCOPED_TRACE(value);
    std::string wire = "t X ";
    AppendAstring(&wire, value);
    wire += "\r\n";
    ImapParser parser(ImapLimits{});
    size_t used = parser.Feed(wire);
    if (parser.state() == ImapParser::State::kLiteral) {
      ASSERT_TRUE(parser.AcceptLiteral().ok());
      parser.Feed(std::string_view(wire).substr(used));
    }
    ASSERT_EQ(parser.state(), ImapParser::State::kCommand);
    ImapCommand command = parser.TakeCommand();
    ASSERT_EQ(command.args.size(), 1u);
    ASSERT_TRUE(command.args[0].AsAstring().has_value());
    EXPECT_EQ(*command.args[0].AsAstring(), value);
  }
}

TEST(ImapOutput, ResponseCodes) {
  EXPECT_EQ(ResponseCode("APPENDUID").Number(38505).Atom("3955").Build(), "[APPENDUID 38505 3955]");
  EXPECT_EQ(ResponseCode("COPYUID").Number(38505).Atom("304,319:320").Atom("3956:3958").Build(),
            "[COPYUID 38505 304,319:320 3956:3958]");
  EXPECT_EQ(ResponseCode("PERMANENTFLAGS").AtomList({"\\Deleted", "\\Seen", "\\*"}).Build(),
            "[PERMANENTFLAGS (\\Deleted \\Seen \\*)]");
  EXPECT_EQ(ResponseCode("TRYCREATE").Build(), "[TRYCREATE]");
  EXPECT_EQ(ResponseCode("BADCHARSET").Astring("a b").Build(), "[BADCHARSET \"a b\"]");
}

}  // namespace
}  // namespace satrap::protocol
