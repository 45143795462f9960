// Tests for protocol/imap_parser.h: RFC 3501 §9 command grammar, RFC 7888
// literals, bounds, and recovery after errors; every input is also fed at
// every split point and one byte at a time.
#include "protocol/imap_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace satrap::protocol {
namespace {

using namespace std::string_literals;

enum class LiteralPolicy { kAccept, kReject, kStreamAppend };

std::string Describe(const ImapCommand& command) {
  std::string out = command.tag + " " + command.name;
  for (const ImapArg& arg : command.args) out += " " + arg.ToWire();
  return out;
}

// Plays the server: feeds `wire` in pieces ending at `cuts` (the bytes after
// the last cut form the last piece), answers literals by `policy`, and
// records what the server would see or send.
std::vector<std::string> Drive(std::string_view wire, const std::vector<size_t>& cuts,
                               LiteralPolicy policy = LiteralPolicy::kAccept,
                               ImapLimits limits = ImapLimits{}) {
  ImapParser parser(limits);
  std::vector<std::string> events;
  size_t pos = 0;
  size_t cut_index = 0;
  while (true) {
    switch (parser.state()) {
      case ImapParser::State::kCommand:
        events.push_back(Describe(parser.TakeCommand()));
        continue;
      case ImapParser::State::kError: {
        ImapParseError error = parser.TakeError();
        events.push_back((error.tag.empty() ? "*" : error.tag) + " BAD " + error.message);
        continue;
      }
      case ImapParser::State::kLiteral: {
        const PendingLiteral& literal = parser.pending_literal();
        bool stream = policy == LiteralPolicy::kStreamAppend && parser.command_name() == "APPEND";
        if (stream) {
          // The server reads the bytes itself (Connection::ReadExact).
          if (literal.synchronizing) events.push_back("+ go ahead");
          size_t available = std::min<size_t>(literal.size, wire.size() - pos);
          events.push_back("STREAMED " + std::string(wire.substr(pos, available)));
          pos += available;
          parser.LiteralStreamed();
        } else if (policy == LiteralPolicy::kReject || !parser.LiteralFitsInMemory()) {
          events.push_back(parser.tag() + " NO literal refused");
          parser.RejectLiteral();
        } else {
          if (literal.synchronizing) events.push_back("+ go ahead");
          EXPECT_TRUE(parser.AcceptLiteral().ok());
        }
        continue;
      }
      case ImapParser::State::kNeedMore:
        break;
    }
    if (pos == wire.size()) break;
    while (cut_index < cuts.size() && cuts[cut_index] <= pos) ++cut_index;
    size_t end = cut_index < cuts.size() ? cuts[cut_index] : wire.size();
    size_t used = parser.Feed(wire.substr(pos, end - pos));
    pos += used;
  }
  if (parser.LiteralBytesRemaining() > 0) events.push_back("(awaiting literal bytes)");
  return events;
}

std::vector<std::string> DriveWhole(std::string_view wire,
                                    LiteralPolicy policy = LiteralPolicy::kAccept,
                                    ImapLimits limits = ImapLimits{}) {
  return Drive(wire, {}, policy, limits);
}

// The same events whatever the pieces: at each single split point, and one byte at a time.
void ExpectSplitInvariant(std::string_view wire, LiteralPolicy policy = LiteralPolicy::kAccept,
                          ImapLimits limits = ImapLimits{}) {
  std::vector<std::string> whole = DriveWhole(wire, policy, limits);
  for (size_t cut = 0; cut <= wire.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    EXPECT_EQ(Drive(wire, {cut}, policy, limits), whole);
  }
  std::vector<size_t> every_byte;
  for (size_t i = 1; i <= wire.size(); ++i) every_byte.push_back(i);
  SCOPED_TRACE("byte at a time");
  EXPECT_EQ(Drive(wire, every_byte, policy, limits), whole);
}

struct Case {
  std::string wire;
  std::vector<std::string> events;
};

// Client commands from RFC 3501 §6 and §8 examples, and the RFC 3501 §9 shapes
// they exercise.
TEST(ImapParser, Rfc3501Examples) {
  const Case cases[] = {
      {"a001 CAPABILITY\r\n", {"a001 CAPABILITY"}},
      {"a002 NOOP\r\n", {"a002 NOOP"}},
      {"A023 LOGOUT\r\n", {"A023 LOGOUT"}},
      {"a001 login SMITH SESAME\r\n", {"a001 LOGIN SMITH SESAME"}},
      {"A142 SELECT INBOX\r\n", {"A142 SELECT INBOX"}},
      {"A003 CREATE owatagusiam/\r\n", {"A003 CREATE owatagusiam/"}},
      {"A683 RENAME blurdybloop sarasota\r\n", {"A683 RENAME blurdybloop sarasota"}},
      {"A101 LIST \"\" \"\"\r\n", {"A101 LIST \"\" \"\""}},
      {"A102 LIST #news.comp.mail.misc \"\"\r\n", {"A102 LIST #news.comp.mail.misc \"\""}},
      {"A202 LIST ~/Mail/ %\r\n", {"A202 LIST ~/Mail/ %"}},
      {"A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n",
       {"A042 STATUS blurdybloop (UIDNEXT MESSAGES)"}},
      {"A003 APPEND saved-messages (\\Seen) {23}\r\nDate: Mon, 7 Feb 1994\r\n\r\n",
       {"+ go ahead", "A003 APPEND saved-messages (\\Seen) {23}\r\nDate: Mon, 7 Feb 1994\r\n"}},
      {"A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n",
       {"A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\""}},
      {"A285 SEARCH CHARSET UTF-8 TEXT {6}\r\nXXXXXX\r\n",
       {"+ go ahead", "A285 SEARCH CHARSET UTF-8 TEXT \"XXXXXX\""}},
      {"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n",
       {"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])"}},
      {"A003 STORE 2:4 +FLAGS (\\Deleted)\r\n", {"A003 STORE 2:4 +FLAGS (\\Deleted)"}},
      {"A003 COPY 2:4 MEETING\r\n", {"A003 COPY 2:4 MEETING"}},
      {"A999 UID FETCH 4827313:4828442 FLAGS\r\n", {"A999 UID FETCH 4827313:4828442 FLAGS"}},
      {"a003 fetch 12 full\r\n", {"a003 FETCH 12 full"}},
      {"a004 fetch 12 body[header]\r\n", {"a004 FETCH 12 body[header]"}},
      {"a005 store 12 +flags \\deleted\r\n", {"a005 STORE 12 +flags \\deleted"}},
      {"a001 fetch 1 (BODY.PEEK[1.2.MIME] BINARY[1]<0.100> RFC822.SIZE)\r\n",
       {"a001 FETCH 1 (BODY.PEEK[1.2.MIME] BINARY[1]<0.100> RFC822.SIZE)"}},
      {"A1 LIST () \"\" \"*\"\r\n", {"A1 LIST () \"\" \"*\""}},
      {"A1 SELECT foo[bar]\r\n", {"A1 SELECT foo[bar]"}},
      {"t NOOP\n", {"t NOOP"}},  // bare LF accepted
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.wire);
    EXPECT_EQ(DriveWhole(c.wire), c.events);
    ExpectSplitInvariant(c.wire);
  }
}

TEST(ImapParser, ArgumentTree) {
  ImapParser parser(ImapLimits{});
  std::string wire =
      "x1 FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (From \"To\")]<0.100> NIL \"a\\\"b\\\\c\")\r\n";
  EXPECT_EQ(parser.Feed(wire), wire.size());
  ASSERT_EQ(parser.state(), ImapParser::State::kCommand);
  ImapCommand command = parser.TakeCommand();
  EXPECT_EQ(command.tag, "x1");
  EXPECT_EQ(command.name, "FETCH");
  ASSERT_EQ(command.args.size(), 2u);
  EXPECT_EQ(command.args[0].text, "1:*");
  const ImapArg& list = command.args[1];
  ASSERT_TRUE(list.IsList());
  ASSERT_EQ(list.list.size(), 4u);
  const ImapArg& section = list.list[1];
  EXPECT_EQ(section.type, ImapArgType::kSection);
  EXPECT_EQ(section.text, "BODY.PEEK");
  EXPECT_EQ(section.section, "HEADER.FIELDS");
  EXPECT_TRUE(section.has_header_list);
  ASSERT_EQ(section.list.size(), 2u);
  EXPECT_EQ(section.list[0].text, "From");
  EXPECT_TRUE(section.list[1].IsString());
  EXPECT_EQ(section.partial, "0.100");
  EXPECT_TRUE(list.list[2].IsNil());
  EXPECT_FALSE(list.list[2].AsNstring()->has_value());
  // QUOTED-CHAR escapes: \" and \\ (RFC 3501 §9).
  EXPECT_EQ(list.list[3].text, "a\"b\\c");
  EXPECT_EQ(parser.state(), ImapParser::State::kNeedMore);
}

TEST(ImapParser, AccessorsFollowTheGrammar) {
  ImapParser parser(ImapLimits{});
  std::string wire = "t X INBOX \"NIL\" nil 42 4294967296 % \\Seen {3+}\r\nabc\r\n";
  size_t used = parser.Feed(wire);
  ASSERT_EQ(parser.state(), ImapParser::State::kLiteral);
  EXPECT_FALSE(parser.pending_literal().synchronizing);
  ASSERT_TRUE(parser.AcceptLiteral().ok());
  parser.Feed(std::string_view(wire).substr(used));
  ASSERT_EQ(parser.state(), ImapParser::State::kCommand);
  ImapCommand c = parser.TakeCommand();
  ASSERT_EQ(c.args.size(), 8u);
  EXPECT_EQ(*c.args[0].AsAstring(), "INBOX");
  EXPECT_FALSE(c.args[1].IsNil());  // quoted "NIL" is a string
  EXPECT_EQ(**c.args[1].AsNstring(), "NIL");
  EXPECT_TRUE(c.args[2].IsNil());
  EXPECT_EQ(*c.args[3].AsNumber(), 42u);
  EXPECT_FALSE(c.args[4].AsNumber().has_value());  // over 32 bits
  EXPECT_FALSE(c.args[5].AsAstring().has_value());  // list-wildcard
  EXPECT_EQ(*c.args[5].AsListMailbox(), "%");
  EXPECT_FALSE(c.args[6].AsAstring().has_value());  // a flag is no astring
  EXPECT_TRUE(c.args[7].literal);
  EXPECT_EQ(*c.args[7].AsAstring(), "abc");
}

// Each row: what the client sent, what the server answers. After every error
// the parser must be back in step for the following "z9 NOOP".
TEST(ImapParser, MalformedInputGetsBadAndRecovers) {
  const Case cases[] = {
      {"\r\n", {"* BAD Null command"}},
      {" NOOP\r\n", {"* BAD Invalid tag"}},
      {"+ NOOP\r\n", {"* BAD Invalid tag"}},
      {"a(b NOOP\r\n", {"* BAD Invalid tag"}},
      {"a*b NOOP\r\n", {"* BAD Invalid tag"}},
      {"a\x01 NOOP\r\n", {"* BAD Invalid tag"}},
      {"a1\r\n", {"a1 BAD Missing command"}},
      {"a1 \r\n", {"a1 BAD Missing command"}},
      {"a1  NOOP\r\n", {"a1 BAD Missing command"}},
      {"a1 NO\"OP\r\n", {"a1 BAD Invalid command name"}},
      {"a1 NOOP \r\n", {"a1 BAD Unexpected end of line"}},
      {"a1 LOGIN  fred pw\r\n", {"a1 BAD Invalid character in command"}},
      {"a1 LOGIN fred\"x\" pw\r\n", {"a1 BAD Invalid character in atom"}},
      {"a1 LOGIN \"fred\"pw\r\n", {"a1 BAD Missing space between arguments"}},
      {"a1 LOGIN \"fred pw\r\n", {"a1 BAD Unterminated quoted string"}},
      {"a1 LOGIN \"fr\\ed\" pw\r\n", {"a1 BAD Invalid escape in quoted string"}},
      {"a1 LOGIN \"fr\xc3\xa9\" pw\r\n", {"a1 BAD 8-bit character in quoted string"}},
      {"a1 LOGIN fr\xc3\xa9 pw\r\n", {"a1 BAD Invalid character in atom"}},
      {"a1 LOGIN \"a\rb\" pw\r\n", {"a1 BAD Invalid character in quoted string"}},
      {"a1 STATUS x (MESSAGES\r\n", {"a1 BAD Missing ')'"}},
      {"a1 STATUS x MESSAGES)\r\n", {"a1 BAD Unexpected ')'"}},
      {"a1 STATUS x ( MESSAGES)\r\n", {"a1 BAD Invalid character in command"}},
      {"a1 STATUS x (MESSAGES )\r\n", {"a1 BAD Invalid character in command"}},
      {"a1 STATUS x (MESSAGES)(UIDNEXT)\r\n", {"a1 BAD Missing space between arguments"}},
      {"a1 LOGIN {x}\r\n", {"a1 BAD Invalid literal size"}},
      {"a1 LOGIN {}\r\n", {"a1 BAD Invalid literal size"}},
      {"a1 LOGIN {5\r\n", {"a1 BAD Invalid literal"}},
      {"a1 LOGIN {5}x\r\n", {"a1 BAD Literal must end the line"}},
      {"a1 LOGIN {4294967296}\r\n", {"a1 BAD Literal size too large"}},
      {"a1 LOGIN {99999999999999999999999}\r\n", {"a1 BAD Invalid literal size"}},
      {"a1 FETCH 1 BODY[HEADER.FIELDS From]\r\n", {"a1 BAD Invalid section"}},
      {"a1 FETCH 1 BODY[HEADER\r\n", {"a1 BAD Invalid section"}},
      {"a1 FETCH 1 BODY[HEADER.FIELDS (From)x]\r\n", {"a1 BAD Invalid section"}},
      {"a1 FETCH 1 BODY[]<1.0>\r\n", {"a1 BAD Invalid partial"}},
      {"a1 FETCH 1 BODY[]<x>\r\n", {"a1 BAD Invalid partial"}},
      {"a1 FETCH 1 BODY[]<1\r\n", {"a1 BAD Invalid partial"}},
      {"a1 FETCH 1 BODY[]x\r\n", {"a1 BAD Missing space between arguments"}},
      {"a1 FETCH 1 (FLAGS\r\n", {"a1 BAD Missing ')'"}},
      {"a1 LOGIN a\0b pw\r\n"s, {"a1 BAD Invalid character in atom"}},
  };
  for (const Case& c : cases) {
    std::string wire = c.wire + "z9 NOOP\r\n";
    SCOPED_TRACE(wire);
    std::vector<std::string> expected = c.events;
    expected.push_back("z9 NOOP");
    EXPECT_EQ(DriveWhole(wire), expected);
    ExpectSplitInvariant(wire);
  }
}

// RFC 3501 §7.5: the server answers "+" before the client sends a
// synchronising literal's data; RFC 7888: {n+} data follows at once.
TEST(ImapParser, Literals) {
  const Case cases[] = {
      {"a1 LOGIN {4}\r\nfred {6}\r\nsesame\r\n",
       {"+ go ahead", "+ go ahead", "a1 LOGIN \"fred\" \"sesame\""}},
      {"a1 LOGIN {4+}\r\nfred {6+}\r\nsesame\r\n", {"a1 LOGIN \"fred\" \"sesame\""}},
      {"a1 LOGIN {0}\r\n \"\"\r\n", {"+ go ahead", "a1 LOGIN \"\" \"\""}},
      {"a1 X ({2}\r\n())\r\n", {"+ go ahead", "a1 X (\"()\")"}},
      {"a1 X ({2}\r\nab {1+}\r\nc)\r\n", {"+ go ahead", "a1 X (\"ab\" \"c\")"}},
      {"a1 X {2}\r\n\r\n\r\n", {"+ go ahead", "a1 X {2}\r\n\r\n"}},
      {"a1 FETCH 1 BODY[HEADER.FIELDS ({4}\r\nFrom To)]\r\n",
       {"+ go ahead", "a1 FETCH 1 BODY[HEADER.FIELDS (From To)]"}},
      {"a1 APPEND INBOX ~{3+}\r\na\0b\r\n"s, {"a1 APPEND INBOX {3}\r\na\0b"s}},
      // A literal that is not literal8 must not carry NUL (CHAR8).
      {"a1 APPEND INBOX {3+}\r\na\0b\r\n"s, {"a1 BAD NUL in literal"}},
      {"a1 X {2+}\r\nab extra\r\n", {"a1 X \"ab\" extra"}},
      {"a1 X {2+}\r\nabextra\r\n", {"a1 BAD Missing space between arguments"}},
  };
  for (const Case& c : cases) {
    std::string wire = c.wire + "z9 NOOP\r\n";
    SCOPED_TRACE(wire);
    std::vector<std::string> expected = c.events;
    expected.push_back("z9 NOOP");
    EXPECT_EQ(DriveWhole(wire), expected);
    ExpectSplitInvariant(wire);
  }
}

TEST(ImapParser, PendingLiteralExposesCommandSoFar) {
  ImapParser parser(ImapLimits{});
  std::string wire = "A3 APPEND Drafts (\\Draft) \" 1-Feb-1994 01:02:03 +0000\" ~{1000000+}\r\n";
  EXPECT_EQ(parser.Feed(wire + "rest"), wire.size());
  ASSERT_EQ(parser.state(), ImapParser::State::kLiteral);
  EXPECT_EQ(parser.tag(), "A3");
  EXPECT_EQ(parser.command_name(), "APPEND");
  ASSERT_EQ(parser.args_so_far().size(), 3u);
  EXPECT_EQ(parser.args_so_far()[0].text, "Drafts");
  EXPECT_EQ(parser.pending_literal().size, 1000000u);
  EXPECT_FALSE(parser.pending_literal().synchronizing);
  EXPECT_TRUE(parser.pending_literal().binary);
  EXPECT_FALSE(parser.LiteralFitsInMemory());
  EXPECT_EQ(parser.AcceptLiteral().code(), Code::kTooBig);
  EXPECT_EQ(parser.state(), ImapParser::State::kLiteral);
}

// A big APPEND literal goes to the caller, never into the parser.
TEST(ImapParser, StreamedLiteral) {
  std::string body(100000, 'x');
  std::string wire = "a1 APPEND INBOX (\\Seen) {100000}\r\n" + body + " (\\Flagged) {3+}\r\nabc\r\n";
  std::vector<std::string> expected = {"+ go ahead", "STREAMED " + body, "STREAMED abc",
                                       "a1 APPEND INBOX (\\Seen) {100000} (\\Flagged) {3}"};
  EXPECT_EQ(DriveWhole(wire, LiteralPolicy::kStreamAppend), expected);
  std::vector<size_t> cuts = {1, 30, 36, 37, 38, 50000, 100036, 100040, 100051, 100052};
  EXPECT_EQ(Drive(wire, cuts, LiteralPolicy::kStreamAppend), expected);
}

// RFC 3501 §7.5 / RFC 7888 §4: a refused synchronising literal is never sent;
// a refused non-synchronising one is discarded with the rest of its command.
TEST(ImapParser, RejectedLiterals) {
  const Case cases[] = {
      {"a1 APPEND INBOX {5}\r\n", {"a1 NO literal refused"}},
      {"a1 APPEND INBOX {5+}\r\nhello\r\n", {"a1 NO literal refused"}},
      {"a1 APPEND INBOX {5+}\r\nhello {3+}\r\nabc\r\n", {"a1 NO literal refused"}},
      {"a1 APPEND INBOX {5+}\r\nhello (x {3+}\r\nabc)\r\n", {"a1 NO literal refused"}},
  };
  for (const Case& c : cases) {
    std::string wire = c.wire + "z9 NOOP\r\n";
    SCOPED_TRACE(wire);
    std::vector<std::string> expected = c.events;
    expected.push_back("z9 NOOP");
    EXPECT_EQ(DriveWhole(wire, LiteralPolicy::kReject), expected);
    ExpectSplitInvariant(wire, LiteralPolicy::kReject);
  }
}

// A broken command that announced a non-synchronising literal: its bytes
// follow anyway and must not be taken for commands (Cyrus eatline()).
TEST(ImapParser, ErrorSkipsAnnouncedNonSyncLiterals) {
  std::string wire = "a1 BAD\"CMD {11+}\r\nz8 LOGOUT\r\n {2+}\r\nxx\r\nz9 NOOP\r\n";
  std::vector<std::string> expected = {"a1 BAD Invalid command name", "z9 NOOP"};
  EXPECT_EQ(DriveWhole(wire), expected);
  ExpectSplitInvariant(wire);
  // A synchronising one is never sent, so the next line is a command.
  wire = "a1 BAD\"CMD {11}\r\nz9 NOOP\r\n";
  EXPECT_EQ(DriveWhole(wire), expected);
}

TEST(ImapParser, Bounds) {
  ImapLimits limits;
  limits.max_line = 40;
  limits.max_args = 5;
  limits.max_depth = 2;
  limits.max_literal = 10;
  limits.max_command = 50;
  const Case cases[] = {
      {"a1 X " + std::string(40, 'y') + "\r\n", {"a1 BAD Command line too long"}},
      {std::string(60, 'y') + "\r\n", {"* BAD Command line too long"}},
      {"a1 X " + std::string(35, 'y') + "\r\n", {"a1 X " + std::string(35, 'y')}},
      {"a1 X " + std::string(35, 'y') + " {3+}\r\nabc\r\n", {"a1 BAD Command line too long"}},
      {"a1 X 1 2 3 4 5\r\n", {"a1 X 1 2 3 4 5"}},
      {"a1 X 1 2 3 4 5 6\r\n", {"a1 BAD Too many arguments"}},
      {"a1 X (1 2) 3 4 5\r\n", {"a1 BAD Too many arguments"}},
      {"a1 X ((1))\r\n", {"a1 X ((1))"}},
      {"a1 X (((1)))\r\n", {"a1 BAD Lists nested too deeply"}},
      {"a1 X {10}\r\n0123456789\r\n", {"+ go ahead", "a1 X \"0123456789\""}},
      {"a1 X {11}\r\n", {"a1 NO literal refused"}},
      {"a1 X {11+}\r\n01234567890\r\n", {"a1 NO literal refused"}},
      {"a1 X {3+}\r\nabc " + std::string(35, 'y') + "\r\n", {"a1 BAD Command too long"}},
      // The third literal would take the command past max_command: refused
      // before the client sends it; its unsent command's lines then arrive as
      // (bad) commands of their own, as with any refused synchronising literal.
      {"a1 X {10}\r\n0123456789 {10}\r\n0123456789 {10}\r\n0123456789 {10}\r\n0123456789\r\n",
       {"+ go ahead", "+ go ahead", "a1 NO literal refused", "0123456789 BAD Missing command",
        "0123456789 BAD Missing command"}},
  };
  for (const Case& c : cases) {
    std::string wire = c.wire + "z9 NOOP\r\n";
    SCOPED_TRACE(wire);
    std::vector<std::string> expected = c.events;
    expected.push_back("z9 NOOP");
    EXPECT_EQ(DriveWhole(wire, LiteralPolicy::kAccept, limits), expected);
    ExpectSplitInvariant(wire, LiteralPolicy::kAccept, limits);
  }
}

TEST(ImapParser, Utf8QuotedWhenEnabled) {
  ImapLimits limits;
  limits.utf8_quoted = true;
  std::string wire = "a1 SELECT \"Entw\xc3\xbcrfe\"\r\n";
  EXPECT_EQ(DriveWhole(wire, LiteralPolicy::kAccept, limits),
            std::vector<std::string>{"a1 SELECT {9}\r\nEntw\xc3\xbcrfe"});
  // RFC 6855 §3: invalid UTF-8 is still refused.
  wire = "a1 SELECT \"Entw\xfcrfe\"\r\n";
  EXPECT_EQ(DriveWhole(wire, LiteralPolicy::kAccept, limits),
            std::vector<std::string>{"a1 BAD Invalid UTF-8 in quoted string"});
}

TEST(ImapParser, FeedStopsAtCommandBoundary) {
  ImapParser parser(ImapLimits{});
  std::string wire = "a1 NOOP\r\na2 NOOP\r\n";
  EXPECT_EQ(parser.Feed(wire), 9u);
  EXPECT_EQ(parser.TakeCommand().tag, "a1");
  EXPECT_EQ(parser.Feed(std::string_view(wire).substr(9)), 9u);
  EXPECT_EQ(parser.TakeCommand().tag, "a2");
}

}  // namespace
}  // namespace satrap::protocol
